"""Watching a topic: mail on every new reply, with a one-click way out.

The mail goes through a job, so a reply in a busy topic does not wait for every watcher's
message to render. The unsubscribe link carries the watch's random token signed with the
app's secret, so a copy of the database alone cannot be used to unsubscribe people.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.jobs import enqueue, handler
from portal.links import public_url
from portal.mail.outbox import queue_mail
from portal.markdown import plain_text
from portal.models import Post, Topic, TopicWatch, User

REPLY_MAIL_JOB = "forums.reply_mail"
_SALT = "forum-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def find_watch(topic: Topic, user: Any) -> TopicWatch | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(TopicWatch).where(TopicWatch.topic_id == topic.id, TopicWatch.user_id == user.id)
    )


def is_watching(topic: Topic, user: Any) -> bool:
    return find_watch(topic, user) is not None


def watch(topic: Topic, user: User) -> TopicWatch:
    """Start watching (watching twice is the same as once)."""
    existing = find_watch(topic, user)
    if existing is not None:
        return existing
    watch_row = TopicWatch(topic_id=topic.id, user_id=user.id, token=secrets.token_urlsafe(32))
    db.session.add(watch_row)
    db.session.flush()
    return watch_row


def unwatch(topic: Topic, user: User) -> None:
    existing = find_watch(topic, user)
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()


def unsubscribe_token(watch_row: TopicWatch) -> str:
    return _serializer().dumps(watch_row.token)


def watch_for_token(signed: str) -> TopicWatch | None:
    """The watch an unsubscribe link points at, or None if the link is forged or used up."""
    try:
        token = _serializer().loads(signed)
    except BadSignature:
        return None
    if not isinstance(token, str):
        return None
    return db.session.scalar(
        select(TopicWatch).where(TopicWatch.token == token).options(joinedload(TopicWatch.topic))
    )


def announce_reply(post: Post) -> None:
    """Queue the watchers' mail for a new reply, in the reply's own transaction."""
    enqueue(REPLY_MAIL_JOB, {"post_id": post.id})


@handler(REPLY_MAIL_JOB)
def send_reply_mail(payload: dict[str, Any], now: datetime) -> None:
    post = db.session.scalar(
        select(Post)
        .where(Post.id == payload["post_id"])
        .options(joinedload(Post.topic), joinedload(Post.author))
    )
    if post is None or post.hidden or post.topic.hidden:
        return
    watches = db.session.scalars(
        select(TopicWatch)
        .where(TopicWatch.topic_id == post.topic_id, TopicWatch.user_id != post.author_id)
        .options(joinedload(TopicWatch.user))
    )
    for watch_row in watches:
        if not watch_row.user.active:
            continue
        # From BASE_URL, never from the host the reply happened to be posted through.
        unsubscribe_url = public_url("forums.unsubscribe", token=unsubscribe_token(watch_row))
        queue_mail(
            watch_row.user.email,
            "forums_reply",
            subject=f"New reply: {post.topic.title}"[:200],
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            recipient=watch_row.user,
            topic=post.topic,
            post=post,
            excerpt=plain_text(post.body, 600),
            unsubscribe_url=unsubscribe_url,
        )
