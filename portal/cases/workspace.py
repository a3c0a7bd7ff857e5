"""What the engineer's case workspace needs, worked out once per page: the side panel's facts
(standing, customer, organisation and its other cases, owner, bug), the tools and their
forms, the reply box (canned replies, "reply and set status"), who else is on the case, and
the confirmation to show beside the tool that was just used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import session
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, select
from wtforms import SelectChoice

from portal.accounts import entitlement
from portal.accounts.service import support_staff
from portal.cases import canned, presence, queries
from portal.cases.forms import STAFF_FORMS
from portal.cases.replying import statuses_after_reply
from portal.cases.status import allowed_next
from portal.extensions import db
from portal.forms import bound_form
from portal.kb.case_drafts import articles_for_case
from portal.markdown import render_markdown
from portal.models import Case, CaseStatus, StaffProfile, User
from portal.policy import Tier

# How many of the organisation's other cases the side panel lists (the SQL is bounded too).
ORGANISATION_CASES = 5
_CONFIRMATION = "workspace_done"

# What each tool says once it has done its work, shown beside that tool (role=status).
DONE = {
    "reply": "Your reply is on the case and the customer has been mailed.",
    "note": "Your internal note is saved; customers never see it.",
    "take": "The case is yours.",
    "assign": "The case has a new owner and the customer has been told.",
    "severity": "The severity is changed and the response due time recomputed.",
    "status": "The status is changed.",
    "bug": "The bug tracking number is saved.",
    "third_party": "The third-party flag is saved.",
    "action_plan": "The action plan is published on the case.",
    "escalate": "The case is escalated; support managers and the customer have been told.",
    "deescalate": "The escalation has ended.",
}


@dataclass(frozen=True)
class OrganisationCases:
    """The case's organisation at a glance: its tier today and its other cases."""

    tier: Tier | None
    open_count: int
    open_cases: list[Case]
    recent: list[Case]


def remember_confirmation(case: Case, action: str) -> None:
    """Carry ``action``'s confirmation over the redirect of a plain (script-free) form post,
    to be shown beside its tool rather than as a message at the top of the page."""
    session[_CONFIRMATION] = {"case": case.number, "action": action}


def _take_confirmation(case: Case) -> str | None:
    kept = session.get(_CONFIRMATION)
    if not isinstance(kept, dict) or kept.get("case") != case.number:
        return None
    session.pop(_CONFIRMATION)
    action = kept.get("action")
    return action if action in DONE else None


def staff_tools_context(
    case: Case,
    user: User,
    sent: FlaskForm | None = None,
    sent_action: str | None = None,
    done: str | None = None,
) -> dict[str, Any]:
    """Flags, facts, choices and forms for the staff workspace; empty for anyone who is not
    support staff. ``sent`` is the form of ``sent_action`` as posted, with its errors;
    ``done`` the action that just succeeded (else the one remembered over a redirect)."""
    if not entitlement.can_work_cases(user):
        return {}
    may_act = entitlement.can_act_on_case(user, case)
    owners = support_staff()
    next_statuses = sorted(allowed_next(case.status), key=list(CaseStatus).index)
    replies = canned.replies_for(user)
    done = done or (None if sent_action else _take_confirmation(case))
    return {
        "staff_tools": True,
        "staff_may_act": may_act and not case.is_closed,
        "staff_may_take": case.owner_id is None and not case.is_closed,
        "staff_may_reassign": entitlement.can_reassign(user) and not case.is_closed,
        "staff_is_manager": entitlement.can_manage_escalations(user),
        "staff_may_manage_canned": canned.may_manage(user),
        "staff_action": sent_action,
        "staff_done": done,
        "staff_done_message": DONE.get(done or ""),
        "staff_forms": _staff_forms(case, owners, next_statuses, replies, sent, sent_action),
        "staff_canned_replies": replies,
        "staff_note_count": queries.note_count(case),
        "staff_kb_articles": articles_for_case(case),
        "staff_organisation": organisation_cases(case),
        "staff_next_case": next_case_for(user, case),
        "staff_others": presence.others_on_case(case, user),
        "staff_poll_seconds": presence.POLL_SECONDS,
    }


def organisation_cases(case: Case) -> OrganisationCases:
    """The organisation's tier today, its other open cases (the soonest due first) and its
    latest closed ones: three bounded queries, however many cases it has."""
    organisation = case.organisation
    agreement = entitlement.active_agreement(organisation)
    others = select(Case).where(Case.organisation_id == organisation.id, Case.id != case.id)
    open_count = db.session.scalar(
        select(func.count()).select_from(others.where(Case.is_open).subquery())
    )
    open_cases = db.session.scalars(
        others.where(Case.is_open)
        .order_by(Case.response_due_at.is_(None), Case.response_due_at, Case.id)
        .limit(ORGANISATION_CASES)
    ).all()
    recent = db.session.scalars(
        others.where(~Case.is_open)
        .order_by(Case.closed_at.desc(), Case.id.desc())
        .limit(ORGANISATION_CASES)
    ).all()
    return OrganisationCases(
        Tier.parse(agreement.tier) if agreement else None,
        open_count or 0,
        list(open_cases),
        list(recent),
    )


def next_case_for(user: User, current: Case) -> Case | None:
    """The case to work after this one: the engineer's own or an unowned open case on
    support's move, soonest response due first (the queue's order)."""
    return db.session.scalar(
        select(Case)
        .where(
            Case.id != current.id,
            Case.on_supports_move,
            (Case.owner_id == user.id) | Case.owner_id.is_(None),
        )
        .order_by(Case.response_due_at.is_(None), Case.response_due_at, Case.id)
        .limit(1)
    )


def reply_preview(body: str | None) -> Markup:
    """The reply as the customer will read it, through the one sanitising renderer."""
    text = (body or "").strip()
    if not text:
        return Markup("<p><em>Nothing to preview yet.</em></p>")
    return render_markdown(text[: canned.MAX_BODY * 5])


def _staff_forms(
    case: Case,
    owners: list[tuple[User, StaffProfile | None]],
    next_statuses: list[CaseStatus],
    replies: list[Any],
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
    reply = forms["reply"]
    reply.canned.choices = [SelectChoice("", "Choose a saved reply")] + [
        SelectChoice(str(r.id), r.title + (f" ({r.team})" if r.team else "")) for r in replies
    ]
    after, offered = statuses_after_reply(case)
    reply.then_status.choices = [SelectChoice("", _status_kept_label(case, after))] + [
        SelectChoice(s.value, s.label) for s in offered if s is not after
    ]
    return forms


def _status_kept_label(case: Case, after: CaseStatus) -> str:
    """The reply box's "no change" choice, in words true for the case as it stands: a reply
    to a New case moves it to Waiting on customer by itself, so saying "leave it" would not."""
    now = CaseStatus(case.status)
    if after is now:
        return f"Leave it {now.label.lower()}"
    return f"No other change (the reply moves it from {now.label} to {after.label})"


def _owner_label(person: User, profile: StaffProfile | None) -> str:
    """Name, time zone and skills: what a manager weighs when choosing an owner."""
    parts = [person.name, person.timezone]
    if profile is not None and profile.skills:
        parts.append(", ".join(profile.skills))
    return " · ".join(parts)
