"""Staff moderation (pin, lock, hide with a reason, move) and reports from readers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forums import events
from portal.models import Category, Post, Report, Topic

MAX_REASON = 2_000
TOPIC_ACTIONS = ("pin", "unpin", "lock", "unlock", "hide", "unhide")


def _require_moderator(user: Any) -> None:
    if not entitlement.can_moderate(user):
        raise DomainError("Only forum moderators can do that.", status=403)


def _reason(reason: Any, required: bool = True) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if required and not text:
        raise DomainError(
            "Give a reason; the author and other readers will see it.", field="reason"
        )
    if len(text) > MAX_REASON:
        raise DomainError(f"Keep the reason under {MAX_REASON} characters.", field="reason")
    return text


def moderate_topic(topic: Topic, user: Any, action: str, reason: Any = "") -> Topic:
    """Pin, unpin, lock, unlock, hide (a reason is required) or unhide a topic."""
    _require_moderator(user)
    if action not in TOPIC_ACTIONS:
        raise DomainError(f"Unknown moderation action {action[:20]!r}.", status=400)
    if action in ("pin", "unpin"):
        topic.pinned = action == "pin"
    elif action in ("lock", "unlock"):
        topic.locked = action == "lock"
    elif action == "hide":
        topic.hidden, topic.hidden_reason = True, _reason(reason)
    else:
        topic.hidden, topic.hidden_reason = False, ""
    db.session.flush()
    events.topic_changed(topic)
    return topic


def hide_post(post: Post, user: Any, reason: Any) -> Post:
    _require_moderator(user)
    post.hidden, post.hidden_reason = True, _reason(reason)
    _resolve_reports(post)
    db.session.flush()
    events.post_changed(post)
    return post


def unhide_post(post: Post, user: Any) -> Post:
    _require_moderator(user)
    post.hidden, post.hidden_reason = False, ""
    db.session.flush()
    events.post_changed(post)
    return post


def move_topic(topic: Topic, user: Any, category: Category | None) -> Topic:
    _require_moderator(user)
    if category is None:
        raise DomainError("Choose the category to move the topic to.", field="category")
    topic.category_id = category.id
    topic.category = category
    db.session.flush()
    events.topic_changed(topic)
    return topic


def report_post(post: Post, reporter: Any, reason: Any) -> Report:
    """Anyone logged in can flag a post; moderators see open reports."""
    if not entitlement.can_post_in_forums(reporter):
        raise DomainError("Log in to report a post.", status=401)
    report = Report(post_id=post.id, reporter_id=reporter.id, reason=_reason(reason))
    db.session.add(report)
    db.session.flush()
    return report


def open_reports(user: Any) -> list[Report]:
    _require_moderator(user)
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.resolved.is_(False))
            .options(
                joinedload(Report.reporter),
                joinedload(Report.post).joinedload(Post.topic),
                joinedload(Report.post).joinedload(Post.author),
            )
            .order_by(Report.created_at)
        )
    )


def dismiss_report(report: Report, user: Any) -> Report:
    _require_moderator(user)
    report.resolved = True
    db.session.flush()
    return report


def _resolve_reports(post: Post) -> None:
    for report in db.session.scalars(
        select(Report).where(Report.post_id == post.id, Report.resolved.is_(False))
    ):
        report.resolved = True
