"""The one table of allowed case status changes, and the one function that applies them.

Every path that moves a case (a customer's reply, a staff member's change, closure, the
auto-close job, a release that fixes a bug) goes through `change_status`, which consults
`TRANSITIONS` and writes a timeline event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.cases.timeline import record_event
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Case, CaseEvent, CaseStatus, User
from portal.models.types import utcnow

S = CaseStatus

# From each status, the statuses a case may move to. Closed cases only come back by reopening.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.NEW: frozenset(
        {
            S.ASSIGNED,
            S.WAITING_ON_CUSTOMER,
            S.WAITING_ON_SUPPORT,
            S.AWAITING_BUG_FIX,
            S.RESOLVED,
            S.CLOSED,
        }
    ),
    S.ASSIGNED: frozenset(
        {
            S.NEW,
            S.WAITING_ON_CUSTOMER,
            S.WAITING_ON_SUPPORT,
            S.AWAITING_BUG_FIX,
            S.RESOLVED,
            S.CLOSED,
        }
    ),
    S.WAITING_ON_CUSTOMER: frozenset(
        {S.ASSIGNED, S.WAITING_ON_SUPPORT, S.AWAITING_BUG_FIX, S.RESOLVED, S.CLOSED}
    ),
    S.WAITING_ON_SUPPORT: frozenset(
        {S.ASSIGNED, S.WAITING_ON_CUSTOMER, S.AWAITING_BUG_FIX, S.RESOLVED, S.CLOSED}
    ),
    S.AWAITING_BUG_FIX: frozenset(
        {S.ASSIGNED, S.WAITING_ON_CUSTOMER, S.WAITING_ON_SUPPORT, S.RESOLVED, S.CLOSED}
    ),
    S.RESOLVED: frozenset({S.WAITING_ON_SUPPORT, S.WAITING_ON_CUSTOMER, S.CLOSED}),
    S.CLOSED: frozenset({S.WAITING_ON_SUPPORT}),
}

# Cases the seven-day rule may close: support is waiting for the customer. A case awaiting a
# bug fix waits for us, so it is never closed for silence.
AUTO_CLOSABLE = frozenset({S.WAITING_ON_CUSTOMER, S.RESOLVED})


def allowed_next(status: CaseStatus | str) -> frozenset[CaseStatus]:
    return TRANSITIONS[CaseStatus(status)]


def can_move(case: Case, to: CaseStatus | str) -> bool:
    return CaseStatus(to) in allowed_next(case.status)


def change_status(
    case: Case,
    to: CaseStatus | str,
    actor: User | None,
    *,
    reason: str = "",
    now: datetime | None = None,
    public: bool = True,
    only_if: Sequence[ColumnElement[bool]] = (),
) -> CaseEvent | None:
    """Move ``case`` to ``to`` if the table allows it and record it; None if already there.

    Raises DomainError (409) for a move the table forbids. Sets resolved_at / closed_at and
    clears closed_at on reopening. Flushes, never commits.

    ``only_if`` makes the move a conditional UPDATE: it happens only if the case still has
    the status it was read with and every condition still holds in the database, so a job
    that decided from an earlier read loses to a concurrent change (a customer's reply)
    instead of overwriting it. It returns None when it lost.
    """
    now = now or utcnow()
    target = CaseStatus(to)
    current = CaseStatus(case.status)
    if target is current:
        return None
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(s.label.lower() for s in sorted(TRANSITIONS[current])) or "nothing"
        raise DomainError(
            f"A case that is {current.label.lower()} cannot become {target.label.lower()}; "
            f"it can become: {allowed}.",
            field="status",
            status=409,
        )
    values: dict[str, object] = {"status": target.value, "updated_at": now}
    if target is S.RESOLVED:
        values["resolved_at"] = now
    if target is S.CLOSED:
        values["closed_at"] = now
    elif current is S.CLOSED:
        values["closed_at"] = None
    if only_if:
        db.session.flush()
        won = db.session.execute(
            update(Case)
            .where(Case.id == case.id, Case.status == current.value, *only_if)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not won:
            db.session.refresh(case)
            return None
        for name, value in values.items():
            set_committed_value(case, name, value)
    else:
        for name, value in values.items():
            setattr(case, name, value)
    data = {"from": current.value, "to": target.value}
    if reason:
        data["reason"] = reason
    return record_event(case, "status", actor, data, public=public, now=now)
