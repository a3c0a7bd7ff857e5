"""Published articles as search documents (the "article" source of portal.search)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Row, select

from portal.extensions import db
from portal.links import public_path
from portal.models import Article, ArticleStatus
from portal.search import SearchDocument, register_source

DOC_TYPE = "article"


# What an article's search document is made of: loading just these columns spares a
# rebuild building a full Article per row.
DOCUMENT_COLUMNS = (
    Article.slug,
    Article.title,
    Article.summary,
    Article.body,
    Article.tags,
    Article.product,
    Article.versions,
)


def article_document(article: Article | Row) -> SearchDocument:
    """An article, or a row of its `DOCUMENT_COLUMNS`, as a search document."""
    return SearchDocument(
        type=DOC_TYPE,
        key=article.slug,
        title=article.title,
        url=public_path("kb.article", slug=article.slug),  # jobs build it: no request
        summary=article.summary,
        body=article.body,
        tags=tuple(article.tags or ()),
        product=article.product,
        versions=tuple(article.versions or ()),
    )


def load_articles(keys: list[str]) -> list[SearchDocument]:
    """Only published articles: a draft or a deleted slug is dropped from the index."""
    found: list[SearchDocument] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        articles = db.session.execute(
            select(*DOCUMENT_COLUMNS).where(
                Article.slug.in_(chunk), Article.status == ArticleStatus.PUBLISHED.value
            )
        )
        found.extend(article_document(a) for a in articles)
    return found


def all_article_keys() -> Iterable[str]:
    return list(
        db.session.scalars(
            select(Article.slug)
            .where(Article.status == ArticleStatus.PUBLISHED.value)
            .order_by(Article.id)
        )
    )


register_source(DOC_TYPE, load_articles, all_article_keys)
