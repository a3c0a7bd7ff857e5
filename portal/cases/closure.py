"""Closing cases (the customer confirms, staff close, or seven quiet days) and reopening them.

Closing queues the survey invitation hook: a `surveys.invite` job with payload
``{"case_id": <id>}``. The surveys feature registers the handler for that kind; the job is
only queued when a handler is registered, so a build without surveys queues nothing that
would sit unhandled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from portal.cases.status import AUTO_CLOSABLE, can_move, change_status
from portal.cases.timeline import notify_customer, record_event
from portal.domain_error import DomainError
from portal.extensions import db
from portal.jobs import enqueue, periodic
from portal.jobs.registry import get_handler, load_handler_modules
from portal.models import Case, CaseStatus, User
from portal.models.types import utcnow

SURVEY_JOB = "surveys.invite"
AUTO_CLOSE_AFTER = timedelta(days=7)


def queue_survey_invitation(case: Case) -> bool:
    """Queue the survey hook for a closed case, if the surveys feature handles it."""
    load_handler_modules()
    if get_handler(SURVEY_JOB) is None:
        return False
    enqueue(SURVEY_JOB, {"case_id": case.id})
    return True


def close_case(
    case: Case, actor: User | None, *, reason: str = "", now: datetime | None = None
) -> None:
    """Close the case: the customer confirming resolution, or staff with their agreement.

    Raises DomainError if it is already closed. Tells the customer (unless they closed
    it) and queues the survey invitation. Flushes, never commits.
    """
    now = now or utcnow()
    if case.is_closed:
        raise DomainError("This case is already closed.", status=409)
    change_status(case, CaseStatus.CLOSED, actor, reason=reason, now=now)
    notify_customer(
        case,
        "Your case is closed",
        actor=actor,
        details=reason or "If the problem comes back, you can reopen the case from its page.",
        now=now,
    )
    queue_survey_invitation(case)


def reopen_case(case: Case, actor: User, *, reason: str = "", now: datetime | None = None) -> None:
    """Bring a resolved or closed case back to support; raises DomainError otherwise."""
    now = now or utcnow()
    if case.status not in (CaseStatus.CLOSED.value, CaseStatus.RESOLVED.value):
        raise DomainError("Only a resolved or closed case can be reopened.", status=409)
    change_status(case, CaseStatus.WAITING_ON_SUPPORT, actor, reason=reason, now=now)
    record_event(case, "reopened", actor, {"reason": reason} if reason else {}, now=now)
    if actor.id == case.contact_id:
        case.last_customer_update_at = now
    notify_customer(case, "Your case is open again", actor=actor, details=reason, now=now)


def idle_cases(now: datetime) -> list[Case]:
    """Cases the seven-day rule closes: waiting on the customer, support's last notice seven
    or more days ago, and no customer update since. Never a case awaiting a bug fix."""
    cutoff = now - AUTO_CLOSE_AFTER
    return list(
        db.session.scalars(
            select(Case)
            .where(
                Case.status.in_([s.value for s in AUTO_CLOSABLE]),
                Case.last_support_notice_at.is_not(None),
                Case.last_support_notice_at <= cutoff,
                or_(
                    Case.last_customer_update_at.is_(None),
                    Case.last_customer_update_at < Case.last_support_notice_at,
                ),
            )
            .order_by(Case.id)
        )
    )


@periodic("cases.auto_close")
def auto_close(now: datetime) -> int:
    """Close every idle case and tell its customer; returns how many were closed.

    Safe to run from several workers: each case is closed with a conditional UPDATE, so only
    one worker wins it and only that one writes the event and the mail.
    """
    closed = 0
    for case in idle_cases(now):
        if not can_move(case, CaseStatus.CLOSED):
            continue
        won = db.session.execute(
            Case.__table__.update()
            .where(Case.id == case.id, Case.status == case.status)
            .values(status=CaseStatus.CLOSED.value, closed_at=now, updated_at=now)
        ).rowcount
        if not won:
            continue
        previous = case.status
        db.session.refresh(case)
        record_event(case, "status", None, {"from": previous, "to": "closed"}, now=now)
        record_event(case, "auto_closed", None, {}, now=now)
        notify_customer(
            case,
            "Your case has been closed",
            details=(
                "We had not heard from you for seven days after our last update, so the case "
                "has been closed. If you still need help, reopen it from the case page and we "
                "will pick it up again."
            ),
            now=now,
        )
        queue_survey_invitation(case)
        closed += 1
    return closed
