"""The knowledge base over JSON: search, read, and (KB engineers) write articles."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from portal import search as search_engine
from portal.accounts import entitlement
from portal.api import bp
from portal.api.helpers import bearer_user, fail, json_body, require_user
from portal.api.spec import DATETIME, INTEGER, STRING, endpoint, nullable, obj
from portal.kb import gaps, search_log, service
from portal.models import Article, SearchSource, User
from portal.products.service import product_names
from portal.search.query import MAX_QUERY_CHARS
from portal.transactions import after_commit

STRINGS = {"type": "array", "items": STRING}
HIT = obj(
    ["type", "slug", "title", "excerpt", "score", "url"],
    type={"type": "string", "enum": list(service.SEARCH_TYPES)},
    slug=STRING,
    title=STRING,
    excerpt={"type": "string", "description": "HTML: escaped text, matches in <mark>"},
    score={"type": "number"},
    url=STRING,
    product=STRING,
    summary=STRING,
    tags=STRINGS,
    solved={"type": "boolean", "description": "a forum thread with an accepted answer"},
)
SEARCH_RESULT = obj(
    ["total", "results"],
    total=INTEGER,
    results={"type": "array", "items": HIT},
    page=INTEGER,
    pages=INTEGER,
    per_page=INTEGER,
    query=STRING,
    suggestion=nullable(STRING),
    rebuilding={
        "type": "boolean",
        "description": "true while the search index is rebuilt: no hits can be found yet",
    },
    message=nullable(STRING),
)
ARTICLE_FIELDS = dict(
    title=STRING,
    slug=STRING,
    summary=STRING,
    product=STRING,
    versions=STRINGS,
    tags=STRINGS,
    status={"type": "string", "enum": list(service.STATUSES)},
    body={"type": "string", "description": "Markdown"},
)
ARTICLE = obj(
    ["slug", "title", "status", "body", "html", "url"],
    **ARTICLE_FIELDS,
    html={"type": "string", "description": "the body rendered and sanitised"},
    url=STRING,
    created_at=DATETIME,
    updated_at=DATETIME,
    published_at=nullable(DATETIME),
)


def article_json(article: Article) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "product": article.product,
        "versions": list(article.versions or []),
        "tags": list(article.tags or []),
        "status": article.status,
        "body": article.body,
        "html": str(article.html),
        "url": url_for("kb.article", slug=article.slug),
        "created_at": article.created_at.isoformat(),
        "updated_at": article.updated_at.isoformat(),
        "published_at": article.published_at.isoformat() if article.published_at else None,
    }


@endpoint(
    bp,
    "/kb/search",
    "GET",
    "Search articles, documentation and forum threads",
    auth="optional",
    tags=["kb"],
    query={
        "q": STRING,
        "product": STRING,
        "tag": STRING,
        "type": {"type": "string", "enum": list(service.SEARCH_TYPES)},
        "page": INTEGER,
        "per_page": INTEGER,
    },
    response=SEARCH_RESULT,
)
def kb_search() -> Any:
    user = bearer_user()
    args = request.args
    product = (args.get("product") or "").strip() or None
    known_products = product_names(include_retired=True)
    if product and product not in known_products:
        known = ", ".join(known_products)
        fail(422, f"Unknown product; use one of: {known}.", "unknown_product")
    doc_type = (args.get("type") or "").strip() or None
    if doc_type and doc_type not in service.SEARCH_TYPES:
        fail(422, f"Unknown type; use one of: {', '.join(service.SEARCH_TYPES)}.", "unknown_type")
    if len(args.get("q") or "") > 2_000:
        fail(422, f"The query is too long; at most {MAX_QUERY_CHARS} characters count.", "invalid")
    per_page = min(search_engine.parse_page(args.get("per_page", 10)), 50)
    tag = (args.get("tag") or "").strip()[:60] or None
    page = search_engine.parse_page(args.get("page", 1))
    results = search_engine.search(
        args.get("q"),
        product=product,
        tag=tag,
        type=doc_type,
        page=page,
        per_page=per_page,
    )
    search_log.log_search(
        args.get("q"),
        results=results.total,
        source=SearchSource.API,
        filters={"product": product, "tag": tag, "type": doc_type},
        page=page,
        user_id=user.id if user is not None else None,
    )
    return jsonify(
        {
            "total": results.total,
            "results": [
                {
                    "type": hit.type,
                    "slug": hit.key,
                    "title": hit.title,
                    "excerpt": str(hit.excerpt),
                    "score": hit.score,
                    "url": hit.url,
                    "product": hit.product,
                    "summary": hit.summary,
                    "tags": list(hit.tags),
                    # A forum thread whose asker marked an answer (ranked higher, too).
                    "solved": hit.type == "topic" and "solved" in hit.tags,
                }
                for hit in results.items
            ],
            "page": results.page,
            "pages": results.pages,
            "per_page": results.per_page,
            "query": results.query,
            "suggestion": results.suggestion,
            "rebuilding": results.rebuilding,
            "message": search_engine.REBUILDING_MESSAGE if results.rebuilding else None,
        }
    )


def _editor() -> User:
    user = require_user()
    if not entitlement.can_publish_articles(user):
        fail(403, "Only KB engineers can write articles.", "forbidden")
    return user


def _reader_may_see_drafts() -> bool:
    """As on the article page: KB engineers, and support engineers, who draft articles from
    solved cases."""
    user = bearer_user()
    return user is not None and (
        entitlement.can_publish_articles(user) or entitlement.can_work_cases(user)
    )


@endpoint(
    bp,
    "/kb/articles/<slug>",
    "GET",
    "One article (published ones need no token; drafts are for KB and support engineers)",
    auth="optional",
    tags=["kb"],
    response=ARTICLE,
)
def kb_article(slug: str) -> Any:
    article = service.find_article(slug, include_drafts=_reader_may_see_drafts())
    if article is None:
        fail(404, "There is no published article at that address.", "not_found")
    return jsonify(article_json(article))


def _save(article: Article | None, data: dict[str, Any], user: User) -> Article:
    saved, changed = service.save_article(article, data, user, note=str(data.get("note", "")))
    if changed:
        after_commit(search_engine.apply_now)
    return saved


@endpoint(
    bp,
    "/kb/articles",
    "POST",
    "Write an article (KB engineers); status defaults to published",
    tags=["kb"],
    request=obj(
        ["title"],
        **ARTICLE_FIELDS,
        note=STRING,
        gap={"type": "string", "description": "the search gap (GET /kb/gaps) it answers"},
    ),
    response=ARTICLE,
    status=201,
)
def kb_create_article() -> Any:
    user = _editor()
    data = json_body()
    article = _save(None, data, user)
    if data.get("gap"):
        gaps.close_gap(data["gap"], article, user)
    return jsonify(article_json(article)), 201


@endpoint(
    bp,
    "/kb/articles/<slug>",
    "PUT",
    "Edit an article (KB engineers); fields left out keep their value",
    tags=["kb"],
    request=obj(None, **ARTICLE_FIELDS, note=STRING),
    response=ARTICLE,
)
def kb_update_article(slug: str) -> Any:
    user = _editor()
    data = json_body()
    article = service.find_article(slug, include_drafts=True)
    if article is None:
        fail(404, "There is no article at that address.", "not_found")
    merged = {name: getattr(article, name) for name in service.FIELDS} | data
    return jsonify(article_json(_save(article, merged, user)))
