"""Escalation: the customer's "please escalate", the Escalate button, and the managers' alert."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import select

from portal.accounts import entitlement
from portal.cases.permissions import require_may_act, require_open
from portal.cases.timeline import notify_customer, record_event
from portal.domain_error import DomainError
from portal.extensions import db
from portal.mail.notices import STAFF, add_notice
from portal.models import Case, Role, User
from portal.models.types import utcnow

_NOT_LETTERS = re.compile(r"[^a-z]+")
_PHRASE = re.compile(r"\bplease ?escalate")


def mentions_please_escalate(text: str | None) -> bool:
    """True when ``text`` asks for escalation: "Please, escalate!", "PLEASE-ESCALATE", ...

    Accents are folded, everything that is not a letter becomes one space, and the phrase
    must start a word ("pleaseescalate" counts too; "displease escalate" does not).
    """
    if not text:
        return False
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = _NOT_LETTERS.sub(" ", folded)
    return bool(_PHRASE.search(words))


def support_managers() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.MANAGER.value, User.active.is_(True))
        )
    )


def escalate(
    case: Case, actor: User | None, *, reason: str = "", now: datetime | None = None
) -> bool:
    """Mark the case escalated, tell support managers and the customer; False if it already was.

    ``actor`` is the customer asking (a message, the Escalate button, the filing itself) or
    support escalating for them (with a reason the customer reads). A closed case cannot be
    escalated (409): reopen it first. Flushes, never commits.
    """
    if actor is not None:
        require_may_act(case, actor)
    if case.escalated:
        return False
    require_open(case, "A closed case cannot be escalated; reopen it first.")
    by_support = actor is not None and entitlement.can_work_cases(actor)
    if by_support and not reason:
        raise DomainError({"reason": "Give a reason for escalating; the customer will see it."})
    now = now or utcnow()
    case.escalated = True
    case.escalated_at = now
    case.updated_at = now
    record_event(case, "escalated", actor, {"reason": reason} if reason else {}, now=now)
    for manager in support_managers():
        add_notice(
            case,
            manager,
            f"Case {case.number} escalated",
            audience=STAFF,
            template="cases_escalation_alert",
            subject=f"[Escalated] Case {case.number} ({case.severity}, {case.organisation.name})",
            details=reason,
            context={"reason": reason, "actor_name": actor.name if actor else ""},
            now=now,
        )
    if not by_support:
        case.last_customer_update_at = now  # the customer asked: the case is not idle
    details = (
        "A support manager now follows this case and will agree an action plan with you. "
        "You can read it on the case page as soon as it is written."
    )
    notify_customer(
        case,
        "Your case has been escalated",
        restarts_auto_close=by_support,
        actor=None,  # the customer gets this confirmation even when they escalated
        details=f"{reason}\n\n{details}" if by_support else details,
        now=now,
    )
    return True


def deescalate(case: Case, actor: User, *, reason: str, now: datetime | None = None) -> bool:
    """End an escalation (support managers, with a reason the customer reads); False if the
    case was not escalated."""
    if not entitlement.can_manage_escalations(actor):
        raise DomainError("Only support managers end escalations.", status=403)
    if not case.escalated:
        return False
    if not reason:
        raise DomainError(
            {"reason": "Give a reason for ending the escalation; the customer will see it."}
        )
    now = now or utcnow()
    case.escalated = False
    case.updated_at = now
    record_event(case, "deescalated", actor, {"reason": reason}, now=now)
    notify_customer(
        case,
        "Your case is no longer escalated",
        restarts_auto_close=True,
        actor=actor,
        details=reason,
        now=now,
    )
    return True
