"""/admin/products: administrators keep the product catalogue (products, versions, retiring)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.forms import show_errors
from portal.numbers import parse_id
from portal.products import service
from portal.products.forms import ProductForm, VersionForm

bp = Blueprint("products", __name__, url_prefix="/admin/products")


@bp.before_request
@login_required
def only_administrators() -> None:
    if not entitlement.can_administer(current_user):
        abort(403)


@bp.route("/", methods=["GET", "POST"])
def index() -> Response | tuple[str, int]:
    """Every product with its versions, and the form that adds one."""
    form = ProductForm()
    if form.validate_on_submit():
        try:
            product = service.create_product(form.name.data)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"{product.name} is added; add its versions below.", "success")
            return redirect(url_for("products.product", slug=product.slug))
    return render_template(
        "products/index.html", products=service.all_products(), form=form
    ), 400 if form.errors else 200


@bp.route("/<slug>", methods=["GET", "POST"])
@bp.route("/<slug>/versions/<int:version_id>", methods=["GET", "POST"])
def product(slug: str, version_id: int | None = None) -> Response | tuple[str, int]:
    """One product: its versions, adding or editing one, and retiring or restoring it."""
    found = service.find_product_by_slug(slug) or abort(404)
    editing = None
    if version_id is not None:
        chosen = parse_id(str(version_id))
        editing = next((v for v in found.versions if v.id == chosen), None) or abort(404)
    action = request.form.get("action") if request.method == "POST" else None
    if action in ("retire", "restore"):
        if action == "retire":
            service.retire_product(found)
            flash(f"{found.name} is retired: it is no longer offered for new cases.", "success")
        else:
            service.restore_product(found)
            flash(f"{found.name} is offered again.", "success")
        return redirect(url_for("products.product", slug=found.slug))
    if action not in (None, "version"):
        abort(400, "Unknown action.")
    form = VersionForm() if action == "version" else VersionForm.for_version(editing)
    if action == "version" and form.validate():
        try:
            saved = service.save_version(found, editing, form.version_data())
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"{found.name} {saved.version} is saved.", "success")
            return redirect(url_for("products.product", slug=found.slug))
    return render_template(
        "products/product.html", product=found, editing=editing, form=form
    ), 400 if form.errors else 200
