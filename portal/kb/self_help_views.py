"""The self-help loop's pages: opening a search result, the KB engineers' gaps list, and
"what was missing" after a reader's "did this help? no"."""

from __future__ import annotations

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import limiter
from portal.htmx import is_htmx_request, render
from portal.kb import feedback, gaps, search_log, service
from portal.kb.blueprint import bp
from portal.kb.views import voter_key
from portal.numbers import parse_page
from portal.redirects import same_site_or


@bp.route("/open/<log_key>")
def open_result(log_key: str) -> Response:
    """A search result's link: note which result this session's search opened, then go there
    (a path on this site only; anything else lands on the search page)."""
    target = same_site_or(request.args.get("to"), url_for("kb.search"))
    search_log.record_open(log_key, target)
    response = redirect(target, code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/gaps")
def gap_list() -> Response:
    """Searches that found nothing or led nowhere, for KB engineers to write articles from."""
    if not entitlement.can_publish_articles(current_user):
        abort(403)
    page = gaps.list_gaps(parse_page(request.args.get("page")))
    return render("kb/gaps.html", "kb/_gaps_table.html", page=page)


def _missing_context(article, **extra: object) -> dict[str, object]:  # noqa: ANN001 - Article
    state = feedback.rating_state(article, voter_key())
    return {"article": article, "state": state, "missing_text": "", "missing_error": ""} | extra


@bp.route("/<slug>/missing", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["KB_ANONYMOUS_RATINGS_PER_ADDRESS"],
    exempt_when=lambda: current_user.is_authenticated,
    error_message="Too many notes from your address; thank you, and try again later.",
)
def missing(slug: str) -> Response | tuple[str, int]:
    """What a reader who answered no says the article was missing."""
    article = service.find_article(slug) or abort(404)
    text = request.form.get("missing", "")
    try:
        feedback.record_missing(article, voter_key(), text)
    except DomainError as problem:
        context = _missing_context(article, missing_text=text[:2000], missing_error=problem.message)
        if is_htmx_request():
            response = make_response(
                render_template("kb/_missing_form.html", **context), problem.status
            )
            response.headers["HX-Reswap-Errors"] = "true"
            return response
        return render_template("kb/missing.html", **context), problem.status
    if is_htmx_request():
        return make_response(render_template("kb/_missing_form.html", **_missing_context(article)))
    return redirect(url_for("kb.article", slug=slug, _anchor="rating"), code=303)
