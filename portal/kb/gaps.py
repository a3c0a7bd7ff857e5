"""Gaps in the knowledge base: what people search for and do not find.

Searches are grouped by their normalised wording (`search_log.normalize`: case folded,
punctuation dropped, whitespace collapsed; word order kept). A wording is a gap while fewer
than half of its searches opened a result, which takes in every wording that never found
anything. Most searched first, then the most recently searched.

An article written from a gap closes it: the wording is stored with the article
(`close_gap`), and only searches made after that count again, so a wording the new article
still does not answer comes back on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select

from portal.extensions import db
from portal.kb.search_log import normalize
from portal.models import Article, SearchGapClosure, SearchLog, User
from portal.models.types import utcnow
from portal.pagination import Page, clamp_page

PER_PAGE = 25
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Gap:
    """One wording: how often it was searched, when last, and how many of those opened
    something and found nothing at all."""

    query: str
    searches: int
    last_searched_at: datetime
    opened: int
    no_results: int


def _grouped():  # noqa: ANN202 - a SQLAlchemy Select
    opened = func.sum(case((SearchLog.opened_path.is_not(None), 1), else_=0))
    searches = func.count(SearchLog.id)
    return (
        select(
            SearchLog.normalized.label("query"),
            searches.label("searches"),
            func.max(SearchLog.searched_at).label("last_searched_at"),
            opened.label("opened"),
            func.sum(case((SearchLog.results == 0, 1), else_=0)).label("no_results"),
        )
        .outerjoin(SearchGapClosure, SearchGapClosure.normalized == SearchLog.normalized)
        .where(
            SearchLog.normalized != "",
            or_(
                SearchGapClosure.id.is_(None),
                SearchLog.searched_at > SearchGapClosure.closed_at,
            ),
        )
        .group_by(SearchLog.normalized)
        .having(2 * opened < searches)
    )


def list_gaps(page: int = 1, per_page: int = PER_PAGE, *, clamp: bool = True) -> Page[Gap]:
    """One page of gaps, in two statements (a count, then the page)."""
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    grouped = _grouped().subquery()
    total = db.session.scalar(select(func.count()).select_from(grouped)) or 0
    if clamp:
        page = clamp_page(page, total, per_page)
    if not total or (page - 1) * per_page >= total:
        return Page([], total, page, per_page)
    rows = db.session.execute(
        select(grouped)
        .order_by(grouped.c.searches.desc(), grouped.c.last_searched_at.desc(), grouped.c.query)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    gaps = [
        Gap(
            row.query, int(row.searches), row.last_searched_at, int(row.opened), int(row.no_results)
        )
        for row in rows
    ]
    return Page(gaps, total, page, per_page)


def close_gap(
    wording: object, article: Article, editor: User | None, now: datetime | None = None
) -> SearchGapClosure | None:
    """Record that `article` was written for the searches worded `wording`; None when the
    wording normalises to nothing."""
    normalized = normalize(wording)
    if not normalized:
        return None
    now = now or utcnow()
    closure = db.session.scalar(
        select(SearchGapClosure).where(SearchGapClosure.normalized == normalized)
    )
    if closure is None:
        closure = SearchGapClosure(normalized=normalized)
        db.session.add(closure)
    closure.article_id = article.id
    closure.closed_by_id = editor.id if editor is not None else None
    closure.closed_at = now
    db.session.flush()
    return closure
