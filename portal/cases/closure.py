"""Closing cases (the customer confirms, staff close, or seven quiet days) and reopening them.

Closing queues the survey invitation hook: a `surveys.invite` job with payload
``{"case_id": <id>}``. The surveys feature registers the handler for that kind; the job is
only queued when a handler is registered, so a build without surveys queues nothing that
would sit unhandled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select

from portal.cases.permissions import is_support, require_may_act
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


def close_case(case: Case, actor: User, *, reason: str = "", now: datetime | None = None) -> None:
    """Close the case: the customer confirming resolution, or support with their agreement.

    Support must say how the customer agreed (``reason``, which the customer reads); the
    customer's own close needs none. Raises DomainError: 403 for someone who may not change
    the case, 409 if it is already closed, 422 without the reason support owes. Tells the
    customer (unless they closed it) and queues the survey invitation. Flushes, never commits.
    """
    now = now or utcnow()
    require_may_act(case, actor)
    if case.is_closed:
        raise DomainError("This case is already closed.", status=409)
    if is_support(actor) and not reason:
        raise DomainError(
            {
                "reason": "Give a reason for closing, such as how the customer agreed; "
                "the customer will see it."
            }
        )
    if not reason:
        resolved = case.status == CaseStatus.RESOLVED.value
        reason = (
            "The customer confirmed the problem is resolved."
            if resolved
            else "The customer closed the case."
        )
    change_status(case, CaseStatus.CLOSED, actor, reason=reason, now=now)
    notify_customer(
        case,
        "Your case is closed",
        restarts_auto_close=False,
        actor=actor,
        details=reason,
        now=now,
    )
    queue_survey_invitation(case)


def reopen_case(case: Case, actor: User, *, reason: str = "", now: datetime | None = None) -> None:
    """Bring a resolved or closed case back to support; raises DomainError (409) otherwise."""
    now = now or utcnow()
    require_may_act(case, actor)
    if case.status not in (CaseStatus.CLOSED.value, CaseStatus.RESOLVED.value):
        raise DomainError("Only a resolved or closed case can be reopened.", status=409)
    change_status(case, CaseStatus.WAITING_ON_SUPPORT, actor, reason=reason, now=now)
    record_event(case, "reopened", actor, {"reason": reason} if reason else {}, now=now)
    by_support = is_support(actor)
    if not by_support:
        case.last_customer_update_at = now
    notify_customer(
        case,
        "Your case is open again",
        restarts_auto_close=by_support,
        actor=actor,
        details=reason,
        now=now,
    )


def idle_cases(now: datetime) -> list[Case]:
    """Cases the seven-day rule closes: waiting on the customer, support's last notice seven
    or more days ago, and no customer update since. Never a case awaiting a bug fix."""
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.status.in_([s.value for s in AUTO_CLOSABLE]), *_still_idle(now))
            .order_by(Case.id)
        )
    )


def _still_idle(now: datetime) -> list[ColumnElement[bool]]:
    """Support's last notice is seven or more days old and the customer has not answered it."""
    return [
        Case.last_support_notice_at.is_not(None),
        Case.last_support_notice_at <= now - AUTO_CLOSE_AFTER,
        or_(
            Case.last_customer_update_at.is_(None),
            Case.last_customer_update_at < Case.last_support_notice_at,
        ),
    ]


@periodic("cases.auto_close")
def auto_close(now: datetime) -> int:
    """Close every idle case and tell its customer; returns how many were closed.

    Each close goes through the transitions table as a conditional update that still
    requires the case to be idle, so a customer's reply committed meanwhile (from this or
    another worker, or the web) keeps the case open, and only one of several workers wins it.
    """
    closed = 0
    for case in idle_cases(now):
        if not can_move(case, CaseStatus.CLOSED):
            continue
        event = change_status(case, CaseStatus.CLOSED, None, now=now, only_if=_still_idle(now))
        if event is None:
            continue
        record_event(case, "auto_closed", None, {}, now=now)
        notify_customer(
            case,
            "Your case has been closed",
            restarts_auto_close=False,
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
