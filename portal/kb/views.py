"""/kb/: search (as-you-type with HTMX, plain GET without JavaScript) and reading articles."""

from __future__ import annotations

import secrets

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import search as search_engine
from portal.accounts import entitlement
from portal.extensions import limiter
from portal.htmx import is_htmx_request, render
from portal.kb import browse, feedback, review, search_log, service
from portal.kb.blueprint import bp
from portal.kb.case_drafts import cases_for_article
from portal.models import SearchSource
from portal.products.service import product_names
from portal.reader_cache import note_for_hits, per_reader, shared_with_readers
from portal.search.query import clean_query

RELATED_COUNT = 5


def search_arguments(args) -> tuple[dict[str, object], list[str]]:  # noqa: ANN001 - MultiDict
    """Search parameters from a query string, with a note for each one that was set aside."""
    notes: list[str] = []
    product = (args.get("product") or "").strip() or None
    if product and product not in product_names(include_retired=True):
        notes.append(f"There is no product called “{product[:80]}”, so every product is shown.")
        product = None
    doc_type = (args.get("type") or "").strip() or None
    if doc_type and doc_type not in service.SEARCH_TYPES:
        notes.append("That kind of result does not exist, so every kind is shown.")
        doc_type = None
    tag = (args.get("tag") or "").strip().lower()[:60] or None
    return {
        "q": clean_query(args.get("q")),
        "product": product,
        "tag": tag,
        "type": doc_type,
        "page": search_engine.parse_page(args.get("page", 1)),
    }, notes


def _log_search_hit(note: dict[str, object]) -> dict[str, str | None]:
    """A search page served from the reader cache is logged like any other search; the
    reader's own log key goes into its result links."""
    return {"search_log": search_log.log_search(**note)}


@bp.route("/")
# Every anonymous reader asking the same gets the same page; each is still logged.
@shared_with_readers(on_hit=_log_search_hit)
def search() -> Response:
    params, notes = search_arguments(request.args)
    browsing = not (params["q"] or params["product"] or params["tag"] or params["type"])
    results = search_engine.search(
        params["q"],
        product=params["product"],
        tag=params["tag"],
        type=params["type"],
        page=params["page"],
    )
    logged = {
        "query": request.args.get("q"),
        "results": results.total,
        "source": SearchSource.AS_YOU_TYPE if is_htmx_request() else SearchSource.PAGE,
        "filters": {name: params[name] for name in ("product", "tag", "type")},
        "page": params["page"],
    }
    note_for_hits(logged)
    key = search_log.log_search(**logged)
    return render(
        "kb/search.html",
        "kb/_results.html",
        results=results,
        search_log_key=per_reader("search_log", key) if key else None,
        params=params,
        notes=notes,
        # The fragment has no filter controls, so as-you-type requests skip these queries.
        products=[] if is_htmx_request() else product_names(include_retired=True),
        tags=[] if is_htmx_request() else service.known_tags(),
        types=service.SEARCH_TYPES,
        can_file=entitlement.can_file_case(current_user),
        front=browse.front_page(product_names()) if browsing else None,
    )


def voter_key(create: bool = False) -> str | None:
    """Who is rating: the account, or for anonymous readers a random id kept in the session."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    token = session.get("kb_voter")
    if token is None and create:
        token = session["kb_voter"] = secrets.token_urlsafe(16)
    return f"session:{token}" if token else None


def _rating_context(article) -> dict[str, object]:  # noqa: ANN001 - an Article
    staff = entitlement.can_see_article_ratings(current_user)
    return {
        "article": article,
        "state": feedback.rating_state(article, voter_key()),
        "totals": service.rating_totals(article) if staff else None,
        "missing_notes": feedback.recent_notes(article) if staff else [],
        "missing_text": "",
        "missing_error": "",
    }


@bp.route("/<slug>")
@shared_with_readers(on_hit=browse.count_reading)
def article(slug: str) -> str:
    editor = entitlement.can_publish_articles(current_user)
    staff = entitlement.can_work_cases(current_user)
    # Support engineers read drafts too: they draft articles from solved cases.
    found = service.find_article(slug, include_drafts=editor or staff) or abort(404)
    related = search_engine.suggest(
        " ".join([found.title, *found.tags]),
        limit=RELATED_COUNT,
        exclude=("article", found.slug),
    )
    browse.count_view(found)
    note_for_hits(found.id)
    return render_template(
        "kb/article.html",
        body=found.html,
        review_note=review.review_note(found) if editor else None,
        related=related,
        can_edit=editor,
        source_cases=cases_for_article(found) if editor or staff else [],
        **_rating_context(found),
    )


@bp.route("/<slug>/rating", methods=["POST"])
# A reader without an account is a fresh voter whenever they drop the cookie, so their
# ratings are limited per address; an account rates each article once anyway.
@limiter.limit(
    lambda: current_app.config["KB_ANONYMOUS_RATINGS_PER_ADDRESS"],
    exempt_when=lambda: current_user.is_authenticated,
    error_message="Too many ratings from your address; thank you, and try again later.",
)
def rate(slug: str) -> Response:
    found = service.find_article(slug) or abort(404)
    answer = request.form.get("helpful", "")
    if answer not in ("yes", "no"):
        abort(400, "Answer yes or no.")
    service.rate(found, voter_key(create=True), answer == "yes")
    if is_htmx_request():
        return render("kb/_rating.html", "kb/_rating.html", **_rating_context(found))
    return redirect(url_for("kb.article", slug=slug, _anchor="rating"))
