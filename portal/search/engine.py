"""Searching: ranked, filtered, paged results with highlighted excerpts and spelling help.

Ranking is BM25F over every query term in every text field plus the query's neighbouring
term pairs (`query.clauses`), computed exactly by `scoring.rank`; `total` counts the
documents matching any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask import current_app
from markupsafe import Markup, escape
from whoosh.query import Term
from whoosh.searching import Searcher

from portal.pagination import Page, clamp_page, page_count
from portal.search.documents import type_label
from portal.search.excerpts import highlight
from portal.search.query import (
    Filters,
    browse_query,
    clauses,
    clean_query,
    terms,
    words,
)
from portal.search.schema import ANALYZER
from portal.search.scoring import rank
from portal.search.searcher import open_searcher

MAX_PAGE = 500
REBUILDING_MESSAGE = (
    "The search index is being rebuilt from the database, so nothing can be found just now. "
    "It takes a minute or so; try again shortly."
)
MAX_PER_PAGE = 50
SUMMARY_EXCERPT_CHARS = 240


@dataclass(frozen=True)
class SearchHit:
    type: str
    key: str
    title: str
    url: str
    excerpt: Markup
    score: float
    summary: str = ""
    product: str = ""
    tags: tuple[str, ...] = ()

    @property
    def type_label(self) -> str:
        return type_label(self.type)


@dataclass(frozen=True)
class SearchPage(Page[SearchHit]):
    """A page of hits with the query and filters that found them and a spelling suggestion."""

    query: str = ""
    suggestion: str | None = None
    filters: Filters = field(default_factory=Filters)
    # The index is missing (its folder was lost): no hits can be found until the job runner
    # has rebuilt it from the database, which it does on its next round (about a second).
    rebuilding: bool = False


def parse_page(value: object) -> int:
    """A page number from a query string: anything odd becomes 1, huge ones are capped."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def _folder() -> str:
    return str(current_app.config["INDEX_DIR"])


def _summary_excerpt(summary: str) -> Markup:
    text = summary if len(summary) <= SUMMARY_EXCERPT_CHARS else summary[:SUMMARY_EXCERPT_CHARS]
    return Markup(escape(text))


def _excerpt(fields: dict, terms: frozenset[str]) -> Markup:
    """Matches marked in the opening text, else in the summary, else the plain summary."""
    if terms:
        for name in ("excerpt", "summary"):
            marked = highlight(fields.get(name, ""), terms)
            if marked is not None:
                return marked
    return _summary_excerpt(fields.get("summary", ""))


def _hit(fields: dict, score: float, terms: frozenset[str]) -> SearchHit:
    """A result from a document's stored fields."""
    tags = tuple(t for t in (fields.get("tag") or "").split(",") if t)
    return SearchHit(
        type=fields["type"],
        key=fields["key"],
        title=fields["title"],
        url=fields["url"],
        excerpt=_excerpt(fields, terms),
        score=round(float(score), 4),
        summary=fields.get("summary", ""),
        product=fields.get("product", ""),
        tags=tags,
    )


def _suggestion(searcher: Searcher, text: str) -> str | None:
    """The query with unknown words replaced by the nearest indexed words, if any changed."""
    reader = searcher.reader()
    changed = False
    corrected: list[str] = []
    correctors = {}
    for word in words(text):
        stems = [token.text for token in ANALYZER(word)]
        known = not stems or any(
            reader.doc_frequency(name, stem) for name in ("title", "body") for stem in stems
        )
        if known or not word.isalpha() or len(word) < 4:
            corrected.append(word)
            continue
        best = None
        for name in ("title", "summary"):
            corrector = correctors.get(name) or correctors.setdefault(
                name, searcher.corrector(name)
            )
            found = corrector.suggest(word, limit=1, maxdist=2, prefix=1)
            if found:
                best = found[0]
                break
        corrected.append(best or word)
        changed = changed or bool(best)
    return " ".join(corrected) if changed else None


def search(
    q: str | None,
    *,
    product: str | None = None,
    tag: str | None = None,
    type: str | None = None,  # noqa: A002 - the public parameter name in the API
    page: int = 1,
    per_page: int = 10,
) -> SearchPage:
    """Ranked search over every document type; an empty query with filters lists by title."""
    text = clean_query(q)
    filters = Filters(product or None, tag or None, type or None)
    page = min(max(int(page), 1), MAX_PAGE)
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    term_list = terms(text)
    empty = SearchPage((), 0, 1, per_page, query=text, filters=filters)
    if not term_list and not filters.active:
        return empty
    key = ("search", text, filters, page, per_page)
    with open_searcher(_folder()) as (searcher, state):
        if searcher is None:
            return replace(empty, rebuilding=True)
        cached = state.remembered(key)
        if cached is not None:
            return cached
        filter_query = filters.query()
        allowed = state.postings.matching(filters, filter_query) if filter_query else None
        if term_list:
            clause_list = clauses(term_list, searcher)
            total, ranked = rank(state.postings, clause_list, page * per_page, allowed=allowed)
            if page > page_count(total, per_page):
                page = page_count(total, per_page)
                _, ranked = rank(state.postings, clause_list, page * per_page, allowed=allowed)
        else:
            total = len(allowed or ())
            page = clamp_page(page, total, per_page)
            listed = searcher.search(
                browse_query(), limit=page * per_page, filter=filter_query, sortedby="sort_title"
            )
            ranked = [(hit.docnum, 0.0) for hit in listed]
        marked = frozenset(term_list)
        hits = tuple(
            _hit(searcher.stored_fields(docnum), score, marked)
            for docnum, score in ranked[(page - 1) * per_page :]
        )
        suggestion = _suggestion(searcher, text) if term_list else None
        answer = SearchPage(hits, total, page, per_page, text, suggestion, filters)
        state.remember(key, answer)
        return answer


def suggest(
    text: str | None,
    limit: int = 5,
    *,
    type: str | None = None,  # noqa: A002
    exclude: tuple[str, str] | None = None,
) -> list[SearchHit]:
    """The best few documents for free text (a case subject and description, an article's
    title and tags): an OR of its meaningful words, no highlighting, so it stays fast.

    `exclude=(type, key)` leaves one document out (related articles leave out themselves).
    """
    term_list = terms(clean_query(text))
    if not term_list:
        return []
    key = ("suggest", tuple(term_list), limit, type, exclude)
    with open_searcher(_folder()) as (searcher, state):
        if searcher is None:
            return []
        cached = state.remembered(key)
        if cached is not None:
            return list(cached)
        allowed = state.postings.matching(("type", type), Term("type", type)) if type else None
        excluded = searcher.document_number(uid=f"{exclude[0]}:{exclude[1]}") if exclude else None
        _, ranked = rank(
            state.postings,
            clauses(term_list, searcher),
            max(1, min(limit, 20)),
            allowed=allowed,
            excluded=excluded,
        )
        stored = searcher.stored_fields
        hits = [_hit(stored(docnum), score, frozenset()) for docnum, score in ranked]
        state.remember(key, tuple(hits))
        return hits
