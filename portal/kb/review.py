"""Keeping articles right: the last review date, and flagging articles a newer major
release has overtaken ("for review").

An article is for review when it names versions of its product and every one belongs to a
major release older than the product's newest released one (`products.is_superseded`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Article, User
from portal.models.types import utcnow
from portal.products.service import is_superseded, newest_majors


def mark_reviewed(article: Article, editor: User | None, now: datetime | None = None) -> Article:
    """A KB engineer confirms the published article is still right."""
    if not article.is_published:
        raise DomainError("Publish the article first; a draft is reviewed when it is published.")
    article.reviewed_at = now or utcnow()
    db.session.flush()
    return article


def review_note(article: Article) -> str | None:
    """Why the article is for review, in words, or None when it is not."""
    majors = newest_majors()
    if not is_superseded(article.product, article.versions or (), majors):
        return None
    return (
        f"Written for {article.product} {', '.join(article.versions)}; "
        f"{article.product} {majors[article.product]} has been released since."
    )


def for_review_ids(candidate_ids: list[int] | None = None) -> set[int]:
    """The ids of articles for review (among `candidate_ids` when given), from two queries."""
    majors = newest_majors()
    query = select(Article.id, Article.product, Article.versions).where(
        Article.product.in_(list(majors))
    )
    if candidate_ids is not None:
        query = query.where(Article.id.in_(candidate_ids))
    return {
        row.id
        for row in db.session.execute(query)
        if is_superseded(row.product, row.versions or (), majors)
    }
