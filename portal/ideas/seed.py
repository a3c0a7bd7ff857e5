"""The demo's ideas, votes and statuses (`flask demo seed`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts import service as accounts
from portal.extensions import db
from portal.ideas import service
from portal.models import Idea, IdeaStatus, User
from portal.models.types import utcnow

# (title, author, body, voters, status, note, release)
DEMO_IDEAS = [
    (
        "Schedule snapshots from XenCenter",
        "admin@gold.example.com",
        "We take nightly snapshots of our database VMs with a script on the host. A schedule "
        "per VM in XenCenter would let our operators manage it without shell access.",
        ["admin@gold.example.com", "admin@base.example.com", "eval@example.com"],
        IdeaStatus.PLANNED,
        "Scheduled snapshots are planned for the next major release.",
        "",
    ),
    (
        "Email alerts when a storage repository is nearly full",
        "admin@base.example.com",
        "We only notice a full repository when VMs fail to start. An alert at a chosen "
        "percentage would give us time to react.",
        ["admin@base.example.com", "license@gold.example.com"],
        IdeaStatus.SHIPPED,
        "Storage alerts are configurable per repository in XenCenter.",
        "4.1.0",
    ),
    (
        "Dark theme for XenCenter",
        "eval@example.com",
        "Our operations room is dim at night; a dark theme would be easier on the eyes.",
        ["eval@example.com"],
        IdeaStatus.NEW,
        "",
        "",
    ),
]


def seed_demo_ideas() -> str:
    """A few ideas with votes and statuses; ideas already there (by title) are kept."""
    existing = set(db.session.scalars(select(Idea.title)))
    pm = accounts.find_user_by_email("pm@support.example.com")
    added = 0
    for age, (title, author_email, body, voters, status, note, release) in enumerate(DEMO_IDEAS):
        author = accounts.find_user_by_email(author_email)
        if title in existing or author is None:
            continue
        idea = service.create_idea(author, title, body, accept=True)
        idea.created_at = utcnow() - timedelta(days=30 - age * 9)
        for email in voters:
            voter: User | None = accounts.find_user_by_email(email)
            if voter is not None:
                service.cast_vote(idea, voter)
        if status is not IdeaStatus.NEW and pm is not None:
            service.set_status(idea, pm, status.value, note, release)
        added += 1
    db.session.flush()
    return f"ideas: {added} added"
