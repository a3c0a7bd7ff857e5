"""Mail every voter when an idea's status changes (a job, so a popular idea does not slow
the product manager's request), with a one-click way to stop that idea's mail (RFC 8058).

The unsubscribe link carries the vote's id signed with the app's secret: it stops the mail
and leaves the vote counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.ideas.service import STATUS_MAIL_JOB, find_idea
from portal.jobs import handler
from portal.links import public_url
from portal.mail.outbox import queue_mail
from portal.models import Idea, IdeaVote, User

_SALT = "idea-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(vote: IdeaVote) -> str:
    return _serializer().dumps(vote.id)


def vote_for_token(signed: str) -> IdeaVote | None:
    """The vote an unsubscribe link names, or None if the link is forged or the vote gone."""
    try:
        vote_id = _serializer().loads(signed)
    except BadSignature:
        return None
    if not isinstance(vote_id, int):
        return None
    return db.session.get(IdeaVote, vote_id)


def stop_mail(vote: IdeaVote) -> None:
    """No more status mail about this idea for this voter; the vote still counts."""
    vote.mail_updates = False
    db.session.flush()


def status_mail_subject(idea: Idea) -> str:
    return f"Idea update: {' '.join(idea.title.split())}"[:200]


@handler(STATUS_MAIL_JOB)
def send_status_mail(payload: dict[str, Any], now: datetime) -> None:
    idea = find_idea(int(payload["idea_id"]))
    if idea is None:
        return
    votes = db.session.scalars(
        select(IdeaVote)
        .join(User, IdeaVote.user_id == User.id)
        .where(
            IdeaVote.idea_id == idea.id,
            IdeaVote.mail_updates.is_(True),
            User.active.is_(True),
        )
        .options(joinedload(IdeaVote.user))
        .order_by(User.id)
    )
    for vote in votes:
        unsubscribe_url = public_url("ideas.unsubscribe", token=unsubscribe_token(vote))
        queue_mail(
            vote.user.email,
            "idea_status",
            subject=status_mail_subject(idea),
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            recipient=vote.user,
            idea=idea,
            unsubscribe_url=unsubscribe_url,
        )
