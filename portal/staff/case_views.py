"""Staff actions on a case page: reply (and set status), note, take, assign, severity, status,
bug, third party, action plan and de-escalation; the reply's preview and canned-reply insert;
the presence poll. Each tool is a plain form post that returns to the case at that tool, and
HTMX makes it an in-place swap of the workspace; on a mistake the form comes back with the
message beside the field and what was typed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.cases import canned, conversation, presence, queries, replying, triage
from portal.cases.case_views import case_context
from portal.cases.forms import STAFF_FORMS
from portal.cases.workspace import DONE, remember_confirmation, reply_preview
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forms import show_errors
from portal.htmx import is_htmx_request, render
from portal.kb import case_drafts
from portal.kb.forms import ArticleForm
from portal.models import Case, User
from portal.numbers import parse_id
from portal.staff.blueprint import bp
from portal.templating import viewer_zone

# A service's name for a field, where the tool's form calls it otherwise: the plan's date and
# time are one `due_at` to the operation; the reply's follow-up status is `then_status`.
ALIASES = {"action_plan": {"due_at": "due_date"}, "reply": {"status": "then_status"}}


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
        replying.reply_and_set_status(case, me, form.body.data or "", form.then_status.data or "")
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
def case_action(number: str, action: str) -> Response:
    """One tool of the workspace. With HTMX the workspace is swapped in place with the
    confirmation (or the error) beside the tool; a plain post returns to the case at the
    tool, its confirmation beside it."""
    case = _staff_case(number)
    if action not in DONE:
        abort(404)
    form = STAFF_FORMS[action]()
    if action == "reply" and request.form.get("intent") in ("insert", "preview"):
        return _reply_draft(case, form, request.form["intent"])
    status = 422
    if form.validate():
        try:
            _run(case, action, form)
        except DomainError as error:
            show_errors(form, error, aliases=ALIASES.get(action))
            status = error.status
        else:
            if is_htmx_request():
                return _workspace(case, staff_done=action)
            remember_confirmation(case, action)
            return redirect(url_for("cases.show", number=case.number, _anchor=f"tool-{action}"))
    response = _workspace(case, status, staff_form=form, staff_action=action)
    response.headers["HX-Reswap-Errors"] = "true"
    return response


def _workspace(case: Case, status: int = 200, **extra: Any) -> Response:
    """The case page, or only the workspace inside it for an HTMX swap."""
    return render("cases/show.html", "staff/_workspace.html", status, **case_context(case, **extra))


def _reply_draft(case: Case, form: Any, intent: str) -> Response:
    """Insert a canned reply into what was typed, or preview it; nothing is sent or saved.
    HTMX swaps only the reply box; a plain post shows the page with the box filled in."""
    me: User = current_user._get_current_object()
    status = 200
    if intent == "insert":
        reply = canned.find_reply_for(me, parse_id(form.canned.data))
        if reply is None:
            form.canned.errors = ["Choose a canned reply from the list to insert."]
            status = 422
        else:
            typed = (form.body.data or "").rstrip()
            text = canned.fill_placeholders(reply.body, case, me)
            form.body.data = f"{typed}\n\n{text}" if typed else text
            form.canned.data = ""
    context = case_context(
        case,
        staff_form=form,
        staff_action="reply",
        staff_preview=reply_preview(form.body.data) if intent == "preview" else None,
    )
    if is_htmx_request():
        response = make_response(render_template("staff/_reply_box.html", **context), status)
        response.vary.add("HX-Request")
    else:
        response = make_response(render_template("cases/show.html", **context), status)
    response.headers["HX-Reswap-Errors"] = "true"
    return response


@bp.route("/cases/<number>/preview", methods=["POST"])
@login_required
def reply_preview_view(number: str) -> Markup:
    """The HTMX preview under the reply box, through the one sanitising renderer."""
    _staff_case(number)
    return reply_preview(request.form.get("body", ""))


@bp.route("/cases/<number>/presence", methods=["POST"])
@login_required
def presence_view(number: str) -> str:
    """The poll of an open case page: record this engineer, answer who else is there."""
    case = _staff_case(number)
    me: User = current_user._get_current_object()
    presence.record_presence(case, me, request.form.get("activity", "viewing"))
    return render_template(
        "staff/_presence.html",
        case=case,
        staff_others=presence.others_on_case(case, me),
        staff_poll_seconds=presence.POLL_SECONDS,
    )


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
