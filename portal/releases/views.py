"""Public release notes, and release editing for staff."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Release, ReleaseKind
from portal.releases import service

bp = Blueprint("releases", __name__, url_prefix="/releases")


@bp.route("/")
def index() -> str:
    product = request.args.get("product", "")
    if product not in current_app.config["VENDOR_PRODUCTS"]:
        product = ""
    return render_template(
        "releases/index.html",
        releases=service.list_releases(product or None),
        product=product,
        products=current_app.config["VENDOR_PRODUCTS"],
        can_edit=entitlement.can_manage_releases(current_user),
    )


@bp.route("/<product>/<version>")
def show(product: str, version: str) -> str:
    release = service.find_release(product, version) or abort(404)
    return render_template(
        "releases/show.html",
        release=release,
        notes=release.html,
        can_edit=entitlement.can_manage_releases(current_user),
    )


def _form_data() -> dict[str, object]:
    form = request.form
    return {
        "product": form.get("product", ""),
        "version": form.get("version", ""),
        "kind": form.get("kind", ""),
        "notes": form.get("notes", ""),
        "fixes": form.get("fixes", ""),
        "production": form.get("production") == "on",
        "released_on": form.get("released_on", ""),
    }


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:release_id>/edit", methods=["GET", "POST"])
def edit(release_id: int | None = None) -> Response | tuple[str, int]:
    if not entitlement.can_manage_releases(current_user):
        abort(403)
    release = (db.session.get(Release, release_id) or abort(404)) if release_id else None
    error = None
    if request.method == "POST":
        try:
            saved = service.save_release(release, _form_data(), current_user)
        except DomainError as problem:
            error = problem
        else:
            flash(f"{saved.product} {saved.version} is saved.", "success")
            return redirect(url_for("releases.show", product=saved.product, version=saved.version))
    return render_template(
        "releases/edit.html",
        release=release,
        error=error,
        kinds=list(ReleaseKind),
        products=current_app.config["VENDOR_PRODUCTS"],
        form=request.form if request.method == "POST" else None,
    ), 400 if error else 200
