"""Mail every voter when an idea's status changes (a job, so a popular idea does not slow
the product manager's request)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.ideas.service import STATUS_MAIL_JOB, find_idea
from portal.jobs import handler
from portal.mail.outbox import queue_mail
from portal.models import IdeaVote, User


@handler(STATUS_MAIL_JOB)
def send_status_mail(payload: dict[str, Any], now: datetime) -> None:
    idea = find_idea(int(payload["idea_id"]))
    if idea is None:
        return
    voters = db.session.scalars(
        select(User)
        .join(IdeaVote, IdeaVote.user_id == User.id)
        .where(IdeaVote.idea_id == idea.id, User.active.is_(True))
        .order_by(User.id)
    )
    for voter in voters:
        queue_mail(
            voter.email,
            "idea_status",
            subject=f"Idea update: {idea.title}"[:200],
            recipient=voter,
            idea=idea,
        )
