"""Staff actions on a case page: reply, note, take, assign, severity, status, bug, third party,
action plan and de-escalation. Each is a plain form post (HTMX-free) that returns to the case;
on a mistake the case page is shown again with the message and what was typed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.cases import conversation, queries, triage
from portal.cases.case_views import case_context
from portal.cases.forms import STAFF_FORMS
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forms import show_errors
from portal.kb import case_drafts
from portal.kb.forms import ArticleForm
from portal.models import Case, User
from portal.numbers import parse_id
from portal.staff.blueprint import bp
from portal.templating import viewer_zone

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


def _staff_case(number: str) -> Case:
    if not entitlement.can_work_cases(current_user):
        abort(403)
    case = queries.find_case(current_user, number)
    if case is None:
        abort(404)
    return case


def _run(case: Case, action: str, form: Any) -> None:
    """Carry out one staff action with what its form carries; the operation checks it."""
    me: User = current_user._get_current_object()
    if action == "reply":
        conversation.post_message(case, me, form.body.data or "")
    elif action == "note":
        conversation.add_internal_note(case, me, form.body.data or "")
    elif action == "take":
        triage.assign(case, me, me)
    elif action == "assign":
        owner_id = parse_id(form.owner.data)
        owner = db.session.get(User, owner_id) if owner_id else None
        if owner is None:
            raise DomainError({"owner": "Choose who should own the case."})
        triage.assign(case, owner, me, form.reason.data or "")
    elif action == "severity":
        triage.change_severity(case, form.severity.data or "", me, form.reason.data or "")
    elif action == "status":
        triage.set_status(case, form.status.data or "", me, form.reason.data or "")
    elif action == "bug":
        triage.set_bug(case, form.bug_id.data or "", me)
    elif action == "third_party":
        triage.set_third_party(
            case, bool(form.third_party.data), form.third_party_vendor.data or "", me
        )
    elif action == "action_plan":
        # The browser form sends a date and a time in the manager's own zone.
        due_at = local_due(form.due_date.data, form.due_time.data) if form.due_date.data else ""
        triage.write_action_plan(case, form.body.data or "", due_at, me)
    elif action == "escalate":
        triage.escalate_for_customer(case, me, form.reason.data or "")
    elif action == "deescalate":
        triage.end_escalation(case, me, form.reason.data or "")
    else:
        abort(404)


@bp.route("/cases/<number>/<action>", methods=["POST"])
@login_required
def case_action(number: str, action: str) -> Response | tuple[str, int]:
    case = _staff_case(number)
    if action not in DONE:
        abort(404)
    form = STAFF_FORMS[action]()
    status = 422
    if form.validate():
        try:
            _run(case, action, form)
        except DomainError as error:
            # The plan's date and time are one `due_at` to the operation.
            show_errors(form, error, aliases={"due_at": "due_date"})
            status = error.status
        else:
            flash(DONE[action], "success")
            return redirect(url_for("cases.show", number=case.number, _anchor="staff-tools"))
    context = case_context(case, staff_form=form, staff_action=action)
    return render_template("cases/show.html", **context), status


def local_due(day: str, moment: str | None) -> str:
    """An ISO timestamp for a date and time typed in the viewer's time zone."""
    try:
        naive = datetime.fromisoformat(f"{day}T{moment or '17:00'}")
    except ValueError:
        return "not a date"
    return naive.replace(tzinfo=viewer_zone()).isoformat()


@bp.route("/cases/<number>/kb-draft", methods=["GET", "POST"])
@login_required
def kb_draft(number: str) -> Response | tuple[str, int]:
    """Draft a KB article from a resolved case, prefilled from its problem and resolution."""
    case = _staff_case(number)
    if request.method == "POST":
        form = ArticleForm()
    else:
        form = ArticleForm(data=case_drafts.prefilled_draft(case))
    status = 422
    if form.validate_on_submit():
        try:
            article = case_drafts.draft_article(
                case, form.article_data(), current_user._get_current_object()
            )
        except DomainError as problem:
            show_errors(form, problem)
            status = problem.status
        else:
            flash("The draft is saved. A KB engineer will review and publish it.", "success")
            return redirect(url_for("kb.article", slug=article.slug))
    return render_template(
        "staff/kb_draft.html",
        case=case,
        form=form,
        existing=case_drafts.articles_for_case(case),
    ), (status if form.errors else 200)
