"""Public release notes, and release editing for staff."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forms import show_errors
from portal.models import Release
from portal.products.service import product_names
from portal.reader_cache import shared_with_readers
from portal.releases import service
from portal.releases.forms import ReleaseForm, release_values

bp = Blueprint("releases", __name__, url_prefix="/releases")


@bp.route("/")
@shared_with_readers()
def index() -> str:
    product = request.args.get("product", "")
    if product not in product_names(include_retired=True):
        product = ""
    return render_template(
        "releases/index.html",
        releases=service.list_releases(product or None),
        product=product,
        products=product_names(include_retired=True),
        can_edit=entitlement.can_manage_releases(current_user),
    )


@bp.route("/<product>/<version>")
@shared_with_readers()
def show(product: str, version: str) -> str:
    release = service.find_release(product, version) or abort(404)
    return render_template(
        "releases/show.html",
        release=release,
        notes=release.html,
        can_edit=entitlement.can_manage_releases(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:release_id>/edit", methods=["GET", "POST"])
def edit(release_id: int | None = None) -> Response | tuple[str, int]:
    if not entitlement.can_manage_releases(current_user):
        abort(403)
    release = (db.session.get(Release, release_id) or abort(404)) if release_id else None
    if request.method == "GET":
        form = ReleaseForm(data=release_values(release))
    else:
        form = ReleaseForm()
        if form.validate():
            try:
                saved = service.save_release(release, form.release_data(), current_user)
            except DomainError as problem:
                show_errors(form, problem)
            else:
                flash(f"{saved.product} {saved.version} is saved.", "success")
                return redirect(
                    url_for("releases.show", product=saved.product, version=saved.version)
                )
    return render_template(
        "releases/edit.html", release=release, form=form
    ), 400 if form.errors else 200
