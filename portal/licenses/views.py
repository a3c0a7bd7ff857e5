"""GET /licenses/ and the renewal request, for License Administrators."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.licenses import service

bp = Blueprint("licenses", __name__)


@bp.route("/licenses/")
@login_required
def index() -> str:
    if not entitlement.is_license_admin(current_user):
        abort(
            403,
            "This page is for License Administrators of an organisation with an "
            "agreement. Ask your organisation to add you as one.",
        )
    return render_template("licenses/index.html", overview=service.license_overview(current_user))


@bp.route("/licenses/<int:organisation_id>/renew", methods=["POST"])
@login_required
def renew(organisation_id: int) -> Response | tuple[str, int]:
    try:
        service.request_renewal(current_user, organisation_id, request.form.get("note", ""))
    except LookupError:
        abort(404)
    except DomainError as error:
        flash(str(error), "error")
        overview = service.license_overview(current_user)
        return render_template(
            "licenses/index.html", overview=overview, note=request.form.get("note", "")
        ), 400
    flash("Your renewal request is on its way to our sales team; they will contact you.", "success")
    return redirect(url_for("licenses.index"))
