"""/staff/mail/: received mail that was not attached to a case, with the reason, and the
way to attach it to a case or discard it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, make_response, redirect, request, url_for
from flask_login import current_user, login_required

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.htmx import is_htmx_request, render
from portal.mailgate import review
from portal.numbers import parse_id

bp = Blueprint("mailgate", __name__, url_prefix="/staff/mail")


@bp.before_request
@login_required
def only_support_staff() -> None:
    if not entitlement.can_work_cases(current_user):
        abort(403)


def _context(view: str, page: int) -> dict[str, object]:
    return {
        "received": review.received_page(view, page),
        "views": review.VIEWS,
        "labels": review.STATUS_LABELS,
        "to_review": review.to_review_count(),
        "readable": review.readable,
        "suggested_case": review.suggested_case,
    }


@bp.route("/")
def index() -> Response:
    view = request.args.get("show", "review")
    page = parse_id(request.args.get("page")) or 1
    return render("mailgate/index.html", "mailgate/_received.html", **_context(view, page))


@bp.route("/<int:mail_id>/raw")
def raw(mail_id: int) -> Response:
    """The message as received, to open in a mail client (attachments included)."""
    row = review.find_received(mail_id)
    if row is None or row.raw is None:
        abort(404)
    response = make_response(row.raw)
    response.headers["Content-Type"] = "message/rfc822"
    response.headers["Content-Disposition"] = f'attachment; filename="received-{row.id}.eml"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.route("/<int:mail_id>/<action>", methods=["POST"])
def act(mail_id: int, action: str) -> Response:
    row = review.find_received(mail_id)
    if row is None or action not in ("attach", "discard"):
        abort(404)
    me = current_user._get_current_object()
    error = None
    try:
        if action == "attach":
            done = review.attach_to_case(row, request.form.get("case", ""), me)
        else:
            review.discard(row, me)
            done = "Discarded."
    except DomainError as refusal:
        error, done = refusal, ""
    if is_htmx_request():
        response = render(
            "mailgate/_item.html",
            "mailgate/_item.html",
            error.status if error else 200,
            item=row,
            labels=review.STATUS_LABELS,
            readable=review.readable,
            suggested_case=review.suggested_case,
            item_error=error.message if error else "",
            item_done=done,
            typed_case=request.form.get("case", ""),
        )
        response.headers["HX-Reswap-Errors"] = "true"  # app.js shows a refused form's message
        return response
    if error is not None:
        context = _context("review", 1) | {
            "errors": {row.id: error.message},
            "typed": {row.id: request.form.get("case", "")},
        }
        return render("mailgate/index.html", "mailgate/_received.html", error.status, **context)
    flash(done, "success")
    return redirect(url_for("mailgate.index"))
