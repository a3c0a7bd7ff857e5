"""One case's page and the customer's actions on it: reply, upload, escalate, close, reopen."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.cases import closure, conversation, escalation, queries
from portal.cases.attachments import (
    attachment_path,
    human_size,
    max_attachment_bytes,
    save_attachment,
    uploaded_files,
)
from portal.cases.blueprint import bp
from portal.cases.clock import response_clock
from portal.cases.uploads import accept_uploads
from portal.domain_error import DomainError
from portal.extensions import csrf
from portal.htmx import is_htmx_request
from portal.markdown import render_markdown
from portal.models import Case, CaseStatus
from portal.models.types import utcnow
from portal.policy import Severity, Tier
from portal.staff.tools import staff_tools_context


def _case_or_404(number: str) -> Case:
    case = queries.find_case(current_user, number)
    if case is None:
        abort(404)
    return case


def _acting_case_or_404(number: str) -> Case:
    """The case, when this person may act on it as the customer; 404 if they cannot see it."""
    case = _case_or_404(number)
    if not entitlement.can_act_on_case_as_customer(current_user, case):
        if entitlement.agreement_lapsed_for(current_user, case):
            abort(403, entitlement.AGREEMENT_LAPSED)
        abort(403, "Support staff work cases from the staff tools; this page is read-only for you.")
    return case


def case_context(case: Case, **extra: Any) -> dict[str, Any]:
    """Everything the case page and its fragments need, as flags rather than queries."""
    acting = entitlement.can_act_on_case_as_customer(current_user, case)
    status = CaseStatus(case.status)
    return {
        "case": case,
        "status": status,
        "severity": Severity(case.severity),
        "customer_severity": Severity(case.customer_severity),
        "tier": Tier(case.tier),
        "clock": response_clock(case, utcnow()),
        "timeline": queries.timeline_for(case, current_user),
        "can_reply": acting and not case.is_closed,
        "can_upload": acting and not case.is_closed,
        "can_escalate": acting and not case.escalated and not case.is_closed,
        "can_confirm": acting and status is CaseStatus.RESOLVED,
        "can_close": acting and not case.is_closed,
        "can_reopen": acting and status in (CaseStatus.RESOLVED, CaseStatus.CLOSED),
        "read_only_staff": entitlement.can_work_cases(current_user),
        "agreement_lapsed": entitlement.agreement_lapsed_for(current_user, case),
        **staff_tools_context(case, current_user),
        "max_file_size": human_size(max_attachment_bytes()),
        "max_file_bytes": max_attachment_bytes(),
        "render_markdown": render_markdown,
        "reply_text": extra.pop("reply_text", ""),
        "reply_error": extra.pop("reply_error", ""),
        "upload_error": extra.pop("upload_error", ""),
        **extra,
    }


def _page(case: Case, status: int = 200, **extra: Any) -> tuple[str, int]:
    template = "cases/_case_body.html" if is_htmx_request() else "cases/show.html"
    return render_template(template, **case_context(case, **extra)), status


@bp.route("/cases/<number>")
@login_required
def show(number: str) -> Any:
    case = _case_or_404(number)
    body, status = _page(case)
    response = Response(body, status, mimetype="text/html")
    response.vary.add("HX-Request")
    return response


@bp.route("/cases/<number>/messages", methods=["POST"])
@login_required
def reply(number: str) -> Any:
    """A customer's message; HTMX swaps the case body, errors keep what was typed."""
    case = _acting_case_or_404(number)
    text = request.form.get("body", "")
    try:
        conversation.post_message(case, current_user, text)
    except DomainError as error:
        body, status = _page(
            case, error.status, reply_text=text, reply_error=" ".join(error.errors.values())
        )
        response = Response(body, status, mimetype="text/html")
        response.headers["HX-Reswap-Errors"] = "true"
        return response
    if is_htmx_request():
        body, status = _page(case)
        return Response(body, status, mimetype="text/html")
    flash("Your message was added to the case.", "success")
    return redirect(url_for("cases.show", number=case.number, _anchor="conversation"))


@bp.route("/cases/<number>/attachments", methods=["POST"])
@csrf.exempt  # checked by accept_uploads() once the upload limits are in place
@login_required
def upload(number: str) -> Any:
    case = _acting_case_or_404(number)
    accept_uploads()
    try:
        files = uploaded_files(request.files.getlist("attachments"))
        if not files:
            raise DomainError({"attachments": "Choose at least one file to attach."})
        if case.is_closed:
            raise DomainError({"attachments": "Reopen the case before adding files."}, status=409)
        for item in files:
            save_attachment(case, item, current_user)
    except DomainError as error:
        return _page(case, error.status, upload_error=" ".join(error.errors.values()))
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


def _act(number: str, action: Any, done: str) -> Any:
    case = _acting_case_or_404(number)
    try:
        action(case)
    except DomainError as error:
        abort(409, str(error))
    flash(done, "success")
    return redirect(url_for("cases.show", number=case.number))


@bp.route("/cases/<number>/escalate", methods=["POST"])
@login_required
def escalate(number: str) -> Any:
    def act(case: Case) -> None:
        if case.is_closed:
            raise DomainError("A closed case cannot be escalated; reopen it first.", status=409)
        escalation.escalate(case, current_user, reason=request.form.get("reason", "").strip())

    return _act(number, act, "The case is escalated: support managers have been told.")


@bp.route("/cases/<number>/close", methods=["POST"])
@login_required
def close(number: str) -> Any:
    def act(case: Case) -> None:
        reason = "The customer confirmed the problem is resolved."
        if case.status != CaseStatus.RESOLVED.value:
            reason = "The customer closed the case."
        closure.close_case(case, current_user, reason=reason)

    return _act(number, act, "The case is closed. Thank you for letting us know.")


@bp.route("/cases/<number>/reopen", methods=["POST"])
@login_required
def reopen(number: str) -> Any:
    def act(case: Case) -> None:
        closure.reopen_case(case, current_user, reason=request.form.get("reason", "").strip())

    return _act(number, act, "The case is open again and back with support.")
