"""What the staff tools panel on a case page needs, worked out once per page."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from portal.accounts import entitlement
from portal.accounts.service import support_staff
from portal.cases.forms import STAFF_FORMS
from portal.cases.status import allowed_next
from portal.forms import bound_form
from portal.kb.case_drafts import articles_for_case
from portal.models import Case, CaseStatus, StaffProfile, User


def staff_tools_context(
    case: Case, user: User, sent: FlaskForm | None = None, sent_action: str | None = None
) -> dict[str, Any]:
    """Flags, choices and forms for `staff/_case_tools.html`; empty for anyone who is not
    support staff. ``sent`` is the form of ``sent_action`` as posted, with its errors."""
    if not entitlement.can_work_cases(user):
        return {}
    may_act = entitlement.can_act_on_case(user, case)
    owners = support_staff()
    next_statuses = sorted(allowed_next(case.status), key=list(CaseStatus).index)
    return {
        "staff_tools": True,
        "staff_may_act": may_act and not case.is_closed,
        "staff_may_take": case.owner_id is None and not case.is_closed,
        "staff_may_reassign": entitlement.can_reassign(user) and not case.is_closed,
        "staff_is_manager": entitlement.can_manage_escalations(user),
        "staff_action": sent_action,
        "staff_forms": _staff_forms(case, owners, next_statuses, sent, sent_action),
        "staff_notes": [m for m in case.messages if not m.public],
        "staff_kb_articles": articles_for_case(case),
    }


def _staff_forms(
    case: Case,
    owners: list[tuple[User, StaffProfile | None]],
    next_statuses: list[CaseStatus],
    sent: FlaskForm | None,
    sent_action: str | None,
) -> dict[str, FlaskForm]:
    """One form per action: the one sent as typed, the others showing the case as it is."""
    shown = {
        "assign": {"owner": str(case.owner_id or "")},
        "severity": {"severity": case.severity},
        "bug": {"bug_id": case.bug_id or ""},
        "third_party": {
            "third_party": case.third_party,
            "third_party_vendor": case.third_party_vendor or "",
        },
        "action_plan": {"body": case.action_plan or ""},
    }
    forms = {
        action: sent
        if sent is not None and action == sent_action
        else bound_form(form_class, False, shown.get(action))
        for action, form_class in STAFF_FORMS.items()
    }
    forms["assign"].owner.choices = [
        SelectChoice(str(person.id), _owner_label(person, profile)) for person, profile in owners
    ]
    forms["status"].status.choices = [SelectChoice(s.value, s.label) for s in next_statuses]
    return forms


def _owner_label(person: User, profile: StaffProfile | None) -> str:
    """Name, time zone and skills: what a manager weighs when choosing an owner."""
    parts = [person.name, person.timezone]
    if profile is not None and profile.skills:
        parts.append(", ".join(profile.skills))
    return " · ".join(parts)
