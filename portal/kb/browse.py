"""The KB's front page without a query: articles by product and topic, the most read, the
most helpful, recent changes; and the reading count each article page adds to, kept in
memory and written in batches.

The front page reads only the columns it shows (no bodies), in three statements however
many articles there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, case, func, select, update

from portal.extensions import db
from portal.models import Article, ArticleRating, ArticleStatus
from portal.write_behind import WriteBehind, writer

LIST_LENGTH = 5  # each of the most read, most helpful and recent lists
PER_TOPIC = 4  # articles shown under each topic; the topic links to the rest
NO_PRODUCT = "Every product"
NO_TOPIC = "general"


@dataclass(frozen=True)
class ArticleLink:
    slug: str
    title: str
    product: str
    summary: str
    updated_at: datetime
    view_count: int
    helpful: int = 0


@dataclass
class Topic:
    name: str
    count: int = 0
    articles: list[ArticleLink] = field(default_factory=list)


@dataclass
class ProductShelf:
    product: str  # "" for articles about no one product
    count: int = 0
    topics: dict[str, Topic] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.product or NO_PRODUCT


@dataclass(frozen=True)
class FrontPage:
    shelves: list[ProductShelf]
    most_viewed: list[ArticleLink]
    most_helpful: list[ArticleLink]
    recent: list[ArticleLink]

    @property
    def is_empty(self) -> bool:
        return not self.shelves


def _columns():  # noqa: ANN202 - a Select of the columns the page shows
    return select(
        Article.slug,
        Article.title,
        Article.product,
        Article.summary,
        Article.updated_at,
        Article.view_count,
        Article.tags,
    ).where(Article.status == ArticleStatus.PUBLISHED.value)


def front_page(product_order: list[str] | None = None) -> FrontPage:
    """What /kb/ shows before anyone types: shelves by product (in the catalogue's order),
    topics by their first tag, most articles first."""
    rows = list(db.session.execute(_columns().order_by(Article.title, Article.id)))
    links = {
        row.slug: ArticleLink(
            row.slug, row.title, row.product, row.summary, row.updated_at, row.view_count
        )
        for row in rows
    }
    shelves: dict[str, ProductShelf] = {}
    for row in rows:
        shelf = shelves.setdefault(row.product or "", ProductShelf(row.product or ""))
        topic_name = (row.tags or [NO_TOPIC])[0]
        topic = shelf.topics.setdefault(topic_name, Topic(topic_name))
        shelf.count += 1
        topic.count += 1
        if len(topic.articles) < PER_TOPIC:
            topic.articles.append(links[row.slug])
    order = {name: index for index, name in enumerate(product_order or [])}
    for shelf in shelves.values():
        shelf.topics = dict(
            sorted(shelf.topics.items(), key=lambda item: (-item[1].count, item[0]))
        )
    ordered = sorted(
        shelves.values(),
        key=lambda s: (s.product == "", order.get(s.product, len(order)), s.product),
    )
    viewed = sorted(
        (link for link in links.values() if link.view_count > 0),
        key=lambda link: (-link.view_count, link.title),
    )[:LIST_LENGTH]
    recent = sorted(links.values(), key=lambda link: link.updated_at, reverse=True)[:LIST_LENGTH]
    return FrontPage(ordered, viewed, _most_helpful(), recent)


def _most_helpful() -> list[ArticleLink]:
    """Articles readers said helped most: most "yes" answers, then the fewest "no"."""
    helpful = func.sum(case((ArticleRating.helpful.is_(True), 1), else_=0))
    unhelpful = func.sum(case((ArticleRating.helpful.is_(False), 1), else_=0))
    rows = db.session.execute(
        _columns()
        .add_columns(helpful.label("helpful"))
        .join(ArticleRating, ArticleRating.article_id == Article.id)
        .group_by(Article.id)
        .having(helpful > 0)
        .order_by(helpful.desc(), unhelpful, Article.title)
        .limit(LIST_LENGTH)
    )
    return [
        ArticleLink(
            row.slug,
            row.title,
            row.product,
            row.summary,
            row.updated_at,
            row.view_count,
            int(row.helpful),
        )
        for row in rows
    ]


def write_readings(article_ids: Sequence[int]) -> None:
    """Add each article's readings to its count: one UPDATE per article, adding in the
    database, so concurrent writers never overwrite each other's count."""
    pending = Counter(article_ids)
    if not pending:
        return
    table = Article.__table__
    # Not through the ORM: a count is not a change that makes anonymous readers' kept pages
    # stale (portal/reader_cache.py).
    db.session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("article_id"))
        .values(view_count=table.c.view_count + bindparam("readings")),
        [{"article_id": key, "readings": count} for key, count in pending.items()],
    )


def readings() -> WriteBehind[int]:
    """Article readings, added up in memory and written every `KB_VIEW_FLUSH_SECONDS`
    (portal/write_behind.py): reading an article is not a write of its own. Readings of the
    last few seconds before a process is killed are lost; a count is a popularity signal,
    not a record."""
    return writer("kb_reading_counter", "KB_VIEW_FLUSH_SECONDS", write_readings)


def count_view(article: Article) -> None:
    """One more reading of a published article (drafts are not counted)."""
    if article.is_published:
        count_reading(article.id)


def count_reading(article_id: int) -> None:
    readings().add(article_id)
