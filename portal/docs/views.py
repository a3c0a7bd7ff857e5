"""/docs/: product documentation for everyone; editing for KB engineers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.docs import service
from portal.docs.forms import DocPageForm, page_values
from portal.domain_error import DomainError
from portal.forms import show_errors
from portal.markdown import render_markdown
from portal.reader_cache import shared_with_readers
from portal.search import apply_now
from portal.transactions import after_commit

bp = Blueprint("docs", __name__, url_prefix="/docs")


@bp.route("/")
@shared_with_readers()
def index() -> str:
    editor = entitlement.can_publish_articles(current_user)
    return render_template(
        "docs/index.html", guides=service.guides(include_drafts=editor), can_edit=editor
    )


@bp.route("/<slug>")
@shared_with_readers()
def page(slug: str) -> str:
    editor = entitlement.can_publish_articles(current_user)
    doc = service.find_page(slug, include_drafts=editor) or abort(404)
    previous, following = service.neighbours(doc)
    return render_template(
        "docs/page.html",
        doc=doc,
        body=doc.html,
        previous=previous,
        following=following,
        can_edit=editor,
    )


@bp.route("/preview", methods=["POST"])
def preview() -> Markup:
    """The HTMX live preview beside the editor."""
    if not entitlement.can_publish_articles(current_user):
        abort(403)
    return render_markdown(request.form.get("body", "")[: service.MAX_BODY])


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str | None = None) -> Response | tuple[str, int]:
    if not entitlement.can_publish_articles(current_user):
        abort(403)
    doc = (service.find_page(slug, include_drafts=True) or abort(404)) if slug else None
    if request.method == "GET":
        form = DocPageForm(data=page_values(doc))
    else:
        form = DocPageForm()
        if form.validate():
            try:
                saved = service.save_page(doc, form.page_data(), current_user)
            except DomainError as problem:
                show_errors(form, problem)
            else:
                after_commit(apply_now)
                flash(f"“{saved.title}” is saved.", "success")
                return redirect(url_for("docs.page", slug=saved.slug))
    return render_template("docs/edit.html", doc=doc, form=form), 400 if form.errors else 200
