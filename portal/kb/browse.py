"""The KB's front page without a query: articles by product and topic, the most read, the
most helpful, recent changes; and the reading count each article page adds to.

The front page reads only the columns it shows (no bodies), in three statements however
many articles there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select, update

from portal.extensions import db
from portal.models import Article, ArticleRating, ArticleStatus

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


def count_view(article: Article) -> None:
    """One more reading of a published article: a single UPDATE adding one in the database,
    so concurrent readers never overwrite each other's count and nothing is read first."""
    if not article.is_published:
        return
    db.session.execute(
        update(Article)
        .where(Article.id == article.id)
        .values(view_count=Article.view_count + 1)
        .execution_options(synchronize_session=False)
    )
