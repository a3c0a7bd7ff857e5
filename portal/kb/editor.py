"""Writing in the browser for KB engineers: edit with live preview, drafts, publishing, history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.forms import show_errors
from portal.htmx import render
from portal.kb import gaps, review, service
from portal.kb.blueprint import bp
from portal.kb.diff import revision_diff
from portal.kb.forms import ArticleEditForm, article_values
from portal.markdown import render_markdown
from portal.models import ArticleStatus
from portal.numbers import parse_page
from portal.search import apply_now
from portal.transactions import after_commit


def _require_editor() -> None:
    if not entitlement.can_publish_articles(current_user):
        abort(403)


@bp.route("/manage")
def manage() -> Response:
    """Every article for KB engineers, searched, filtered and paged; HTMX swaps the list."""
    _require_editor()
    filters = {
        "q": request.args.get("q", "").strip()[:200],
        "status": request.args.get("status", ""),
        "product": request.args.get("product", "")[:80],
        "sort": request.args.get("sort", "updated"),
        "review": "1" if request.args.get("review") == "1" else "",
    }
    page = service.manage_articles(
        **{name: value for name, value in filters.items() if name != "review"},
        page=parse_page(request.args.get("page")),
        only_ids=review.for_review_ids() if filters["review"] else None,
    )
    return render(
        "kb/manage.html",
        "kb/_manage_list.html",
        page=page,
        filters=filters,
        for_review=review.for_review_ids([article.id for article in page.items]),
        products=service.article_products(),
        statuses=list(ArticleStatus),
    )


@bp.route("/preview", methods=["POST"])
def preview() -> Markup:
    """The HTMX live preview beside the editor, through the one Markdown renderer."""
    _require_editor()
    return render_markdown(request.form.get("body", "")[: service.max_article_chars()])


def _from_gap(args) -> dict[str, str]:  # noqa: ANN001 - a MultiDict
    """A new article's title from the search gap it is written for."""
    gap = " ".join((args.get("gap") or "").split())[:500]
    title = " ".join((args.get("title") or gap).split())[:200]
    return {"title": title, "gap": gap} if gap or title else {}


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str | None = None) -> Response | tuple[str, int]:
    _require_editor()
    article = (service.find_article(slug, include_drafts=True) or abort(404)) if slug else None
    if request.method == "GET":
        # "Write an article" from the search gaps list comes prefilled with the search.
        prefill = {} if article else _from_gap(request.args)
        form = ArticleEditForm(data=article_values(article) or prefill)
    else:
        form = ArticleEditForm()
        if form.validate():
            data = form.article_data()
            data["status"] = "published" if request.form.get("action") == "publish" else "draft"
            try:
                saved, changed = service.save_article(
                    article, data, current_user, note=form.note.data or ""
                )
            except DomainError as problem:
                show_errors(form, problem)
            else:
                if article is None and form.gap.data:
                    gaps.close_gap(form.gap.data, saved, current_user)
                if changed:
                    after_commit(apply_now)
                state = "published" if saved.is_published else "saved as a draft"
                message = f"“{saved.title}” is {state}." if changed else "Nothing had changed."
                flash(message, "success")
                return redirect(url_for("kb.article", slug=saved.slug))
    return render_template(
        "kb/edit.html",
        article=article,
        form=form,
        preview=render_markdown(form.body.data or ""),
    ), 400 if form.errors else 200


bp.add_url_rule("/new", endpoint="new", view_func=edit, methods=["GET", "POST"])


@bp.route("/<slug>/status", methods=["POST"])
def set_status(slug: str) -> Response:
    _require_editor()
    article = service.find_article(slug, include_drafts=True) or abort(404)
    status = request.form.get("status", "")
    if status not in service.STATUSES:
        abort(400, "Choose draft or published.")
    service.set_status(article, status, current_user)
    after_commit(apply_now)
    flash(
        f"“{article.title}” is {'published' if article.is_published else 'now a draft'}.", "success"
    )
    return redirect(url_for("kb.article", slug=article.slug))


@bp.route("/<slug>/reviewed", methods=["POST"])
def mark_reviewed(slug: str) -> Response:
    """A KB engineer confirms the article is still right: its review date becomes today."""
    _require_editor()
    article = service.find_article(slug, include_drafts=True) or abort(404)
    review.mark_reviewed(article, current_user)
    flash(f"“{article.title}” is marked as reviewed today.", "success")
    return redirect(url_for("kb.article", slug=article.slug))


@bp.route("/<slug>/history")
def history(slug: str) -> str:
    _require_editor()
    article = service.find_article(slug, include_drafts=True) or abort(404)
    return render_template("kb/history.html", article=article, revisions=service.revisions(article))


@bp.route("/<slug>/history/<int:number>")
def revision(slug: str, number: int) -> str:
    _require_editor()
    article = service.find_article(slug, include_drafts=True) or abort(404)
    if number > 1_000_000:  # larger than any database integer column can compare with
        abort(404)
    current = service.find_revision(article, number) or abort(404)
    previous = service.find_revision(article, number - 1) if number > 1 else None
    return render_template(
        "kb/revision.html",
        article=article,
        revision=current,
        previous=previous,
        diff=revision_diff(previous, current),
    )
