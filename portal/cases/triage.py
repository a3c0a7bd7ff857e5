"""What support staff do to a case: take and assign it, review its severity, link a bug,
flag a third-party product, change its status, escalate for the customer, and (managers)
write action plans and end escalations.

Each operation checks its own rules (who may act, what the case's state allows) and raises
DomainError with the status a caller should answer; every change writes a timeline event,
and each one the customer can see is mailed to them and restarts the auto-close week.
All functions flush, never commit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from portal.accounts import entitlement
from portal.cases.closure import close_case
from portal.cases.escalation import deescalate, escalate
from portal.cases.permissions import require_may_work
from portal.cases.status import can_move, change_status
from portal.cases.timeline import notify_customer, record_event
from portal.dates import RANGE_HINT, in_range
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Case, CaseStatus, User
from portal.models.types import utcnow
from portal.offerings.service import current_policy
from portal.policy import Severity, recompute_due_at

BUG_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_.#]{0,39}$")
MAX_REASON = 1000
MAX_PLAN = 20_000


def _reason(reason: object, required: bool, what: str) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if reason is not None and not isinstance(reason, str):
        raise DomainError({"reason": "The reason must be text."})
    if required and not text:
        raise DomainError({"reason": f"Give a reason for {what}; the customer will see it."})
    if len(text) > MAX_REASON:
        raise DomainError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    return text


def assign(
    case: Case, owner: User, actor: User, reason: object = "", *, now: datetime | None = None
) -> bool:
    """Make ``owner`` the case's one owner; False if they already are.

    A TSE may take an unowned case; giving a case to someone else, or taking it from its
    owner, is a manager's reassignment and needs a reason the customer is told.
    """
    now = now or utcnow()
    if not entitlement.can_work_cases(owner) or not owner.active:
        raise DomainError({"owner": f"{owner.email} is not a support engineer who can own cases."})
    if case.is_closed:
        raise DomainError("Reopen the case before changing its owner.", status=409)
    if case.owner_id == owner.id:
        return False
    reassigning = case.owner_id is not None
    if (reassigning or owner.id != actor.id) and not entitlement.can_reassign(actor):
        raise DomainError(
            "Only support managers assign cases to others or reassign them.", status=403
        )
    text = _reason(reason, reassigning, "the reassignment")
    previous = case.owner
    case.owner = owner
    case.updated_at = now
    record_event(
        case,
        "assigned",
        actor,
        {"owner": owner.name, "previous": previous.name if previous else None, "reason": text},
        now=now,
    )
    if case.status == CaseStatus.NEW.value:
        change_status(case, CaseStatus.ASSIGNED, actor, now=now)
    headline = f"{owner.name} now owns your case"
    details = f"{owner.name} is the support engineer for this case (working in {owner.timezone})."
    if text:
        details += f" Reason for the change: {text}"
    notify_customer(case, headline, restarts_auto_close=True, actor=actor, details=details, now=now)
    return True


def change_severity(
    case: Case, severity: object, actor: User, reason: object, *, now: datetime | None = None
) -> bool:
    """Review the severity; the due time is recomputed from the filing time, so business
    time already spent still counts. False if unchanged."""
    require_may_work(case, actor)
    try:
        new = Severity.parse(str(severity))
    except ValueError as error:
        raise DomainError({"severity": "Choose a severity from P1 to P5."}) from error
    if new.value == case.severity:
        return False
    text = _reason(reason, True, "the severity change")
    now = now or utcnow()
    old = case.severity
    case.severity = new.value
    if case.first_response_at is None:
        case.response_due_at = recompute_due_at(case.filed_at, case.tier, new, current_policy())
        case.sla_alert_level = 0  # a new due time: its alerts are yet to come
    case.updated_at = now
    record_event(case, "severity", actor, {"from": old, "to": new.value, "reason": text}, now=now)
    notify_customer(
        case,
        f"Severity changed from {old} to {new.value}",
        restarts_auto_close=True,
        actor=actor,
        details=f"{new.value} ({new.label}): {new.definition} Reason: {text}",
        now=now,
    )
    return True


def set_bug(case: Case, bug_id: object, actor: User, *, now: datetime | None = None) -> bool:
    """Link the bug tracking number, or remove it with an empty value.

    A linked case waits for the fix ("awaiting bug fix", reopened first if it was resolved):
    it is never auto-closed, and the production release with the fix tells the customer.
    Removing the link from a case waiting for the fix hands it back to support. A closed case
    keeps its link as it was (409): reopen it first.
    """
    require_may_work(case, actor)
    if bug_id is not None and not isinstance(bug_id, str):
        raise DomainError({"bug_id": "The bug tracking number must be text."})
    value = (bug_id or "").strip() or None
    if value is not None and not BUG_PATTERN.match(value):
        raise DomainError({"bug_id": "Use the bug tracker's number, such as CA-12345."})
    if value == case.bug_id:
        return False
    if case.is_closed:
        raise DomainError(
            {"bug_id": "This case is closed; reopen it to change its bug link."}, status=409
        )
    now = now or utcnow()
    previous = case.bug_id
    case.bug_id = value
    case.updated_at = now
    record_event(case, "bug", actor, {"bug_id": value}, now=now)
    if value is None:
        details = f"The case is no longer linked to bug {previous}."
        if case.status == CaseStatus.AWAITING_BUG_FIX.value:
            change_status(case, CaseStatus.WAITING_ON_SUPPORT, actor, now=now)
            details += " Support is working on it again; it no longer waits for a release."
        notify_customer(
            case,
            "Your case is no longer linked to a product bug",
            restarts_auto_close=True,
            actor=actor,
            details=details,
            now=now,
        )
        return True
    if case.status == CaseStatus.RESOLVED.value:
        change_status(case, CaseStatus.WAITING_ON_SUPPORT, actor, now=now)
    if can_move(case, CaseStatus.AWAITING_BUG_FIX):
        change_status(case, CaseStatus.AWAITING_BUG_FIX, actor, now=now)
    notify_customer(
        case,
        f"Your case is linked to bug {value}",
        restarts_auto_close=True,
        actor=actor,
        details=(
            "Our engineers have confirmed a product bug. The case stays open until a "
            "production release fixes it, and we will tell you when that release ships."
        ),
        now=now,
    )
    return True


def set_third_party(
    case: Case, flag: object, vendor: object, actor: User, *, now: datetime | None = None
) -> bool:
    """Mark the problem as lying in another vendor's hardware or software, and say whose."""
    require_may_work(case, actor)
    if not isinstance(flag, bool):
        raise DomainError({"third_party": "'third_party' must be true or false."})
    name = vendor.strip()[:120] if isinstance(vendor, str) and flag else ""
    if flag == case.third_party and (name or None) == case.third_party_vendor:
        return False
    now = now or utcnow()
    case.third_party = flag
    case.third_party_vendor = name or None
    case.updated_at = now
    record_event(case, "third_party", actor, {"third_party": flag, "vendor": name}, now=now)
    if flag:
        whose = name or "another vendor"
        notify_customer(
            case,
            f"The problem appears to be in {whose}'s product",
            restarts_auto_close=True,
            actor=actor,
            details=(
                f"Our analysis points to hardware or software from {whose}. Please open a "
                "case with their support team as well; we will keep helping you isolate "
                "the problem and share what we found."
            ),
            now=now,
        )
    else:
        notify_customer(
            case,
            "The problem is no longer thought to be in another vendor's product",
            restarts_auto_close=True,
            actor=actor,
            details="Support is looking at the case again as a problem in our own product.",
            now=now,
        )
    return True


def set_status(
    case: Case, status: object, actor: User, reason: object = "", *, now: datetime | None = None
) -> bool:
    require_may_work(case, actor)
    try:
        target = CaseStatus(str(status))
    except ValueError as error:
        allowed = ", ".join(s.value for s in CaseStatus)
        raise DomainError({"status": f"Unknown status; use one of {allowed}."}) from error
    if target is CaseStatus.AWAITING_BUG_FIX and not case.bug_id:
        raise DomainError({"status": "Link a bug tracking number before waiting for its fix."})
    text = _reason(reason, False, "the status change")
    if target is CaseStatus.CLOSED:
        if case.is_closed:
            return False
        close_case(case, actor, reason=text, now=now)
        return True
    event = change_status(case, target, actor, reason=text, now=now)
    if event is not None:
        notify_customer(
            case,
            f"Your case is now {target.label.lower()}",
            restarts_auto_close=True,
            actor=actor,
            details=text,
            now=now,
        )
    return event is not None


def write_action_plan(
    case: Case, body: object, due_at: object, actor: User, *, now: datetime | None = None
) -> None:
    """A manager's plan for an escalated case, with the date it should be done by."""
    if not entitlement.can_manage_escalations(actor):
        raise DomainError("Only support managers write action plans.", status=403)
    if not case.escalated:
        raise DomainError("Action plans belong to escalated cases; this one is not.", status=409)
    if not isinstance(body, str) or not body.strip():
        raise DomainError({"body": "Write the action plan."})
    if len(body) > MAX_PLAN:
        raise DomainError({"body": f"Keep the plan under {MAX_PLAN:,} characters."})
    due = parse_due(due_at)
    now = now or utcnow()
    if due <= now:
        raise DomainError({"due_at": "The plan's due date must be in the future."})
    case.action_plan = body.strip()
    case.action_plan_due_at = due
    case.updated_at = now
    record_event(case, "action_plan", actor, {"due_at": due.isoformat()}, now=now)
    notify_customer(
        case,
        "A support manager has written an action plan",
        restarts_auto_close=True,
        actor=actor,
        details=case.action_plan or "",
        moments={"Planned completion": due},
        now=now,
    )


def escalate_for_customer(case: Case, actor: User, reason: object) -> bool:
    """Escalate on the customer's behalf (they asked by phone, say); False if it already was."""
    require_may_work(case, actor)
    return escalate(case, actor, reason=_reason(reason, False, "escalating"))


def end_escalation(case: Case, actor: User, reason: object) -> bool:
    """A manager ends the escalation, saying why; False if the case was not escalated."""
    return deescalate(case, actor, reason=_reason(reason, False, "ending the escalation"))


def parse_due(value: object) -> datetime:
    if isinstance(value, datetime):
        due = value
    else:
        try:
            due = datetime.fromisoformat(str(value).strip())
        except ValueError as error:
            raise DomainError(
                {"due_at": "Give the due date as ISO 8601, e.g. 2026-12-01T17:00:00+00:00."}
            ) from error
    if due.tzinfo is None:
        raise DomainError({"due_at": "Include a time zone offset in the due date."})
    if not in_range(due):
        raise DomainError({"due_at": f"Choose a due date {RANGE_HINT}."})
    return due


def apply_changes(case: Case, data: Mapping[str, Any], actor: User) -> list[str]:
    """The staff PATCH: apply each given field in a safe order; returns what changed.

    Everything is checked before anything is written, so a bad field changes nothing.
    """
    allowed = {
        "severity",
        "owner",
        "status",
        "bug_id",
        "third_party",
        "third_party_vendor",
        "escalated",
        "reason",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise DomainError({unknown[0]: f"Unknown field; use {', '.join(sorted(allowed))}."})
    changed: list[str] = []
    with db.session.begin_nested():
        if "owner" in data:
            owner = _staff_by_email(data["owner"])
            if assign(case, owner, actor, data.get("reason")):
                changed.append("owner")
        if "severity" in data and change_severity(
            case, data["severity"], actor, data.get("reason")
        ):
            changed.append("severity")
        if "bug_id" in data and set_bug(case, data["bug_id"], actor):
            changed.append("bug_id")
        if ("third_party" in data or "third_party_vendor" in data) and set_third_party(
            case,
            data.get("third_party", case.third_party),
            data.get("third_party_vendor", case.third_party_vendor),
            actor,
        ):
            changed.append("third_party")
        if "escalated" in data and _set_escalated(case, data["escalated"], actor, data):
            changed.append("escalated")
        if "status" in data and set_status(case, data["status"], actor, data.get("reason")):
            changed.append("status")
    return changed


def _set_escalated(case: Case, value: object, actor: User, data: Mapping[str, Any]) -> bool:
    if not isinstance(value, bool):
        raise DomainError({"escalated": "'escalated' must be true or false."})
    if value:
        return escalate_for_customer(case, actor, data.get("reason"))
    return end_escalation(case, actor, data.get("reason"))


def _staff_by_email(email: object) -> User:
    from portal.accounts.service import find_user_by_email

    if not isinstance(email, str) or not email.strip():
        raise DomainError({"owner": "Give the new owner's email."})
    user = find_user_by_email(email)
    if user is None:
        raise DomainError({"owner": f"No account uses {email.strip()[:254]!r}."}, status=422)
    return user


__all__ = [
    "apply_changes",
    "assign",
    "change_severity",
    "end_escalation",
    "escalate_for_customer",
    "set_bug",
    "set_status",
    "set_third_party",
    "write_action_plan",
]
