"""Which engineers have a case open right now, and whether they are writing a reply.

Each open case page reports every few seconds (an HTMX poll); a report is one upserted row
per engineer and case in the database, so engineers on different app servers see each
other without a websocket or a shared cache. A row not refreshed for `GONE_AFTER` means the
engineer has left; rows much older than that are deleted as new reports arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Case, CasePresence, User
from portal.models.types import utcnow

ACTIVITIES = ("viewing", "replying")
POLL_SECONDS = 10
# Three missed polls: the tab was closed, the laptop slept or the engineer moved on.
GONE_AFTER = timedelta(seconds=3 * POLL_SECONDS)
FORGET_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Presence:
    """Another engineer on the case, as the notice reads it."""

    name: str
    activity: str
    last_seen_at: datetime

    @property
    def is_replying(self) -> bool:
        return self.activity == "replying"


def record_presence(
    case: Case, user: User, activity: object, *, now: datetime | None = None
) -> None:
    """``user`` has ``case`` open (``viewing``) or is writing on it (``replying``); flushes.

    One statement whatever the database: an INSERT … ON CONFLICT DO UPDATE, so two polls
    from the same engineer racing each other never collide on the unique row.
    """
    if not entitlement.can_work_cases(user):
        raise DomainError("Only support staff share their presence on a case.", status=403)
    if activity not in ACTIVITIES:
        raise DomainError({"activity": "Say whether you are viewing or replying."})
    now = now or utcnow()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(CasePresence).values(
        case_id=case.id, user_id=user.id, activity=activity, last_seen_at=now
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["case_id", "user_id"],
            set_={"activity": activity, "last_seen_at": now},
        )
    )
    db.session.execute(
        delete(CasePresence).where(
            CasePresence.case_id == case.id, CasePresence.last_seen_at < now - FORGET_AFTER
        )
    )


def others_on_case(case: Case, user: User, *, now: datetime | None = None) -> list[Presence]:
    """The other engineers seen on ``case`` within `GONE_AFTER`, those replying first."""
    now = now or utcnow()
    rows = db.session.execute(
        select(User.name, CasePresence.activity, CasePresence.last_seen_at)
        .join(User, User.id == CasePresence.user_id)
        .where(
            CasePresence.case_id == case.id,
            CasePresence.user_id != user.id,
            CasePresence.last_seen_at >= now - GONE_AFTER,
        )
        .order_by(CasePresence.activity, User.name)  # "replying" first
        .limit(20)
    )
    return [Presence(name, activity, seen) for name, activity, seen in rows]
