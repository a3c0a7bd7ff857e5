"""One case's page and the customer's actions on it: reply, upload, escalate, close, reopen."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.cases import closure, conversation, escalation, queries
from portal.cases.attachments import (
    attach_files,
    attachment_path,
    human_size,
    max_attachment_bytes,
)
from portal.cases.blueprint import bp
from portal.cases.clock import response_clock
from portal.cases.forms import CaseMessageForm, CaseUploadForm
from portal.cases.uploads import accept_uploads
from portal.cases.workspace import staff_tools_context
from portal.domain_error import DomainError
from portal.extensions import csrf
from portal.forms import bound_form, show_errors
from portal.htmx import is_htmx_request, render
from portal.models import Case, CaseStatus
from portal.models.types import utcnow
from portal.offerings.service import current_policy
from portal.policy import Severity, Tier


def _case_or_404(number: str) -> Case:
    case = queries.find_case(current_user, number)
    if case is None:
        abort(404)
    return case


def _customer_case_or_404(number: str) -> Case:
    """The case, for the customer's own actions; staff work cases from the staff tools.

    Whether this person may change the case is the operation's own check.
    """
    case = _case_or_404(number)
    if entitlement.can_work_cases(current_user):
        abort(403, "Support staff work cases from the staff tools; this page is read-only for you.")
    return case


def case_context(case: Case, **extra: Any) -> dict[str, Any]:
    """Everything the case page and its fragments need, as flags rather than queries."""
    acting = entitlement.can_act_on_case_as_customer(current_user, case)
    status = CaseStatus(case.status)
    tier, severity = Tier(case.tier), Severity(case.severity)
    whole = request.args.get("conversation") == "all"
    shown = queries.conversation_for(case, current_user, None if whole else queries.LATEST_ENTRIES)
    timeline = shown.entries
    newest_first = request.args.get("order") == "newest"
    return {
        "case": case,
        "status": status,
        "severity": severity,
        "customer_severity": Severity(case.customer_severity),
        "tier": tier,
        "response_target": current_policy().target_for(tier, severity).describe(),
        "clock": response_clock(case, utcnow()),
        "timeline": timeline[::-1] if newest_first else timeline,
        "newest_first": newest_first,
        "earlier_entries": shown.earlier,
        "whole_conversation": whole,
        "newest_message": next((e for e in reversed(timeline) if e.message), None),
        "waits_on_customer": acting and status is CaseStatus.WAITING_ON_CUSTOMER,
        "can_reply": acting and not case.is_closed,
        "can_upload": acting and not case.is_closed,
        "can_escalate": acting and not case.escalated and not case.is_closed,
        "can_confirm": acting and status is CaseStatus.RESOLVED,
        "can_close": acting and not case.is_closed,
        "can_reopen": acting and status in (CaseStatus.RESOLVED, CaseStatus.CLOSED),
        "read_only_staff": entitlement.can_work_cases(current_user),
        "agreement_lapsed": entitlement.agreement_lapsed_for(current_user, case),
        **staff_tools_context(
            case,
            current_user,
            extra.pop("staff_form", None),
            extra.pop("staff_action", None),
            extra.pop("staff_done", None),
        ),
        "max_file_size": human_size(max_attachment_bytes()),
        "max_file_bytes": max_attachment_bytes(),
        "reply_form": extra.pop("reply_form", None) or bound_form(CaseMessageForm, False),
        "upload_form": extra.pop("upload_form", None) or bound_form(CaseUploadForm, False),
        **extra,
    }


def _page(case: Case, status: int = 200, **extra: Any) -> Response:
    """The case page, or just its body for an HTMX swap."""
    return render("cases/show.html", "cases/_case_body.html", status, **case_context(case, **extra))


@bp.route("/cases/<number>")
@login_required
def show(number: str) -> Response:
    return _page(_case_or_404(number))


@bp.route("/cases/<number>/messages", methods=["POST"])
@login_required
def reply(number: str) -> Response:
    """A customer's message; HTMX swaps the case body, errors keep what was typed."""
    case = _customer_case_or_404(number)
    form = CaseMessageForm()
    try:
        conversation.post_message(case, current_user, form.body.data or "")
    except DomainError as error:
        show_errors(form, error)
        response = _page(case, error.status, reply_form=form)
        response.headers["HX-Reswap-Errors"] = "true"
        return response
    if is_htmx_request():
        return _page(case, reply_sent=True)
    flash("Your message was added to the case.", "success")
    return redirect(url_for("cases.show", number=case.number, _anchor="conversation"))


@bp.route("/cases/<number>/attachments", methods=["POST"])
@csrf.exempt  # checked by accept_uploads() once the upload limits are in place
@login_required
def upload(number: str) -> Response:
    # Customers from the case page, support staff from their workspace on the same page (as
    # in the API); whether this person may add files is the operation's own check.
    case = _case_or_404(number)
    accept_uploads()  # before the form reads the body
    form = CaseUploadForm()
    try:
        files = attach_files(case, form.attachments.data or [], current_user)
    except DomainError as error:
        show_errors(form, error)
        return _page(case, error.status, upload_form=form)
    flash(f"{len(files)} file(s) attached.", "success")
    return redirect(url_for("cases.show", number=case.number, _anchor="attachments"))


@bp.route("/cases/<number>/attachments/<int:attachment_id>")
@login_required
def download(number: str, attachment_id: int) -> Response:
    """Served only to people who may see the case, always as a download."""
    attachment = queries.find_attachment(current_user, number, attachment_id)
    if attachment is None:
        abort(404)
    try:
        path = attachment_path(attachment)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/cases/<number>/escalate", methods=["POST"])
@login_required
def escalate(number: str) -> Response:
    case = _customer_case_or_404(number)
    escalation.escalate(case, current_user, reason=request.form.get("reason", "").strip())
    flash("The case is escalated: support managers have been told.", "success")
    return redirect(url_for("cases.show", number=case.number))


@bp.route("/cases/<number>/close", methods=["POST"])
@login_required
def close(number: str) -> Response:
    closure.close_case(_customer_case_or_404(number), current_user)
    flash("The case is closed. Thank you for letting us know.", "success")
    return redirect(url_for("cases.show", number=number))


@bp.route("/cases/<number>/reopen", methods=["POST"])
@login_required
def reopen(number: str) -> Response:
    case = _customer_case_or_404(number)
    closure.reopen_case(case, current_user, reason=request.form.get("reason", "").strip())
    flash("The case is open again and back with support.", "success")
    return redirect(url_for("cases.show", number=case.number))
