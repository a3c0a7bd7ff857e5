"""Who may change a case, checked by every operation that changes one.

Seeing a case is a query (`queries.find_case` returns nothing for a stranger); changing it is
this check, made by the operation itself so that no view, API handler or mail gateway can
forget it:

- customers: the organisation's Support Administrators, while its agreement is current;
- support staff: managers on any case, a TSE on cases they own or that nobody owns.
"""

from __future__ import annotations

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.models import Case, User


def require_may_act(case: Case, actor: User) -> None:
    """Raise DomainError (403) unless ``actor`` may change ``case``."""
    if entitlement.can_work_cases(actor):
        require_may_work(case, actor)
        return
    if entitlement.agreement_lapsed_for(actor, case):
        raise DomainError(entitlement.AGREEMENT_LAPSED, status=403, code="agreement_expired")
    if not entitlement.can_act_on_case_as_customer(actor, case):
        raise DomainError(
            "Only your organisation's Support Administrators can change this case.", status=403
        )


def require_may_work(case: Case, actor: User) -> None:
    """Raise DomainError (403) unless ``actor`` is support staff who may work ``case``."""
    if not entitlement.can_work_cases(actor):
        raise DomainError("Only support staff can do this.", status=403)
    if not entitlement.can_act_on_case(actor, case):
        owner = case.owner.name if case.owner else "someone else"
        raise DomainError(
            f"This case belongs to {owner}; ask a support manager to reassign it.", status=403
        )


def is_support(actor: User | None) -> bool:
    """True for support staff; None stands for the portal acting for support (a job)."""
    return actor is None or entitlement.can_work_cases(actor)


def require_open(case: Case, message: str, field: str | None = None) -> None:
    """Raise DomainError (409) with ``message`` on a closed case: it must be reopened first."""
    if case.is_closed:
        raise DomainError(message, field, status=409)
