"""What the staff tools panel on a case page needs, worked out once per page."""

from __future__ import annotations

from typing import Any

from portal.accounts import entitlement
from portal.accounts.service import support_staff
from portal.cases.status import allowed_next
from portal.kb.case_drafts import articles_for_case
from portal.models import Case, CaseStatus, User
from portal.policy import Severity


def staff_tools_context(case: Case, user: User) -> dict[str, Any]:
    """Flags and choices for `staff/_case_tools.html`; empty for anyone who is not support staff."""
    if not entitlement.can_work_cases(user):
        return {}
    may_act = entitlement.can_act_on_case(user, case)
    return {
        "staff_tools": True,
        "staff_may_act": may_act and not case.is_closed,
        "staff_may_take": case.owner_id is None and not case.is_closed,
        "staff_may_reassign": entitlement.can_reassign(user) and not case.is_closed,
        "staff_is_manager": entitlement.can_manage_escalations(user),
        "staff_owner_choices": support_staff(),
        "staff_next_statuses": sorted(allowed_next(case.status), key=list(CaseStatus).index),
        "staff_severities": list(Severity),
        "staff_notes": [m for m in case.messages if not m.public],
        "staff_kb_articles": articles_for_case(case),
    }
