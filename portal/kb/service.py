"""Knowledge-base articles: finding, writing (every edit a revision), publishing, rating."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import Text, case, cast, func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Article, ArticleRating, ArticleRevision, ArticleStatus, User
from portal.models.types import utcnow
from portal.pagination import Page, paginate
from portal.products.service import product_names
from portal.reader_cache import shared_value
from portal.search import record_change

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
MAX_BODY = 200_000  # the default of KB_MAX_ARTICLE_CHARS
MAX_LIST_ITEMS = 30
DOC_TYPE = "article"
STATUSES = tuple(s.value for s in ArticleStatus)
# Addresses the KB's own pages use (/kb/new, /kb/manage, /kb/preview, /kb/gaps).
RESERVED_SLUGS = frozenset({"new", "manage", "preview", "gaps"})


# What a search can be narrowed to, by document type.
SEARCH_TYPES = {"article": "Articles", "topic": "Forum threads", "doc": "Documentation"}


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:120].rstrip("-")


def max_article_chars(config: Mapping[str, Any] | None = None) -> int:
    """The largest article body, from PORTAL_KB_MAX_ARTICLE_CHARS: a whole number of at least
    1; anything else raises ValueError, so a bad setting stops the app at start-up."""
    value = (current_app.config if config is None else config).get("KB_MAX_ARTICLE_CHARS")
    if value is None:
        return MAX_BODY
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValueError(f"PORTAL_KB_MAX_ARTICLE_CHARS must be a whole number, got {value!r}")
    if int(value) < 1:
        raise ValueError("PORTAL_KB_MAX_ARTICLE_CHARS must be at least 1")
    return int(value)


def find_article(slug: str, *, include_drafts: bool = False) -> Article | None:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None or (not article.is_published and not include_drafts):
        return None
    return article


def list_articles(*, include_drafts: bool = False) -> list[Article]:
    query = select(Article).order_by(Article.updated_at.desc(), Article.id.desc())
    if not include_drafts:
        query = query.where(Article.status == ArticleStatus.PUBLISHED.value)
    return list(db.session.scalars(query))


MANAGE_PER_PAGE = 25
MANAGE_SORTS = {
    "updated": (Article.updated_at.desc(), Article.id.desc()),
    "title": (func.lower(Article.title), Article.id),
}


def manage_articles(
    q: str = "",
    status: str = "",
    product: str = "",
    sort: str = "updated",
    page: int = 1,
    only_ids: set[int] | None = None,
) -> Page[Article]:
    """The KB engineers' list of every article, drafts included: words in the title, slug or
    summary narrow it, as do a status, a product and `only_ids` (the articles for review);
    newest change first unless sorted by title."""
    query = select(Article)
    if only_ids is not None:
        query = query.where(Article.id.in_(sorted(only_ids)))
    for word in q.split()[:8]:
        pattern = f"%{word.lower()[:100]}%"
        query = query.where(
            or_(
                func.lower(Article.title).like(pattern),
                func.lower(Article.slug).like(pattern),
                func.lower(Article.summary).like(pattern),
            )
        )
    if status in {s.value for s in ArticleStatus}:
        query = query.where(Article.status == status)
    if product:
        query = query.where(Article.product == product)
    order = MANAGE_SORTS.get(sort, MANAGE_SORTS["updated"])
    return paginate(query.order_by(*order), page, MANAGE_PER_PAGE)


def article_products() -> list[str]:
    """The products articles are written for, for the list's filter."""
    return list(
        db.session.scalars(
            select(Article.product)
            .where(Article.product != "")
            .distinct()
            .order_by(Article.product)
        )
    )


def _text(data: Mapping[str, Any], name: str, limit: int, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DomainError(f"The {name} must be text.", name)
    value = " ".join(str(value).split())
    if required and not value:
        raise DomainError(f"Give the article a {name}.", name)
    if len(value) > limit:
        raise DomainError(f"The {name} can be at most {limit} characters.", name)
    return value


def _list(data: Mapping[str, Any], name: str, *, lower: bool = False) -> list[str]:
    """A list from YAML/JSON (a list) or a form (comma-separated text)."""
    value = data.get(name) or []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = str(value).split(",")
    if not isinstance(value, list | tuple):
        raise DomainError(f"The {name} must be a list.", name)
    items: list[str] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise DomainError(f"Each of the {name} must be text.", name)
        text = " ".join(str(item).split())
        text = text.lower() if lower else text
        if len(text) > 60:
            raise DomainError(f"Each of the {name} can be at most 60 characters.", name)
        if text and text not in items:
            items.append(text)
    if len(items) > MAX_LIST_ITEMS:
        raise DomainError(f"List at most {MAX_LIST_ITEMS} {name}.", name)
    return items


def clean_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Checked article fields from front matter, a form or an API body."""
    title = _text(data, "title", 200, required=True)
    slug = _text(data, "slug", 120).lower() or slugify(title)
    if not SLUG_PATTERN.match(slug):
        raise DomainError("The address may use lower-case letters, digits and dashes only.", "slug")
    if slug in RESERVED_SLUGS:
        raise DomainError(f"The address {slug!r} is reserved; choose another.", "slug")
    product = _text(data, "product", 80)
    if product and product not in product_names(include_retired=True):
        raise DomainError(f"Unknown product {product!r}.", "product")
    status = _text(data, "status", 20).lower() or ArticleStatus.PUBLISHED.value
    if status not in STATUSES:
        raise DomainError("The status must be draft or published.", "status")
    body = data.get("body")
    body = "" if body is None else body
    if not isinstance(body, str):
        raise DomainError("The article text must be text.", "body")
    limit = max_article_chars()
    if len(body) > limit:
        raise DomainError(
            f"The article text can be at most {limit:,} characters (it has {len(body):,}).",
            "body",
        )
    return {
        "slug": slug,
        "title": title,
        "summary": _text(data, "summary", 500),
        "product": product,
        "versions": _list(data, "versions"),
        "tags": _list(data, "tags", lower=True),
        "body": body.replace("\r\n", "\n"),
        "status": status,
    }


FIELDS = ("slug", "title", "summary", "product", "versions", "tags", "body", "status")


def save_article(
    article: Article | None, data: Mapping[str, Any], editor: User | None, note: str = ""
) -> tuple[Article, bool]:
    """Create or update an article; returns (article, changed). Every change is a revision."""
    fields = clean_fields(data)
    clash = db.session.scalar(select(Article).where(Article.slug == fields["slug"]))
    if clash is not None and clash is not article:
        raise DomainError(
            f"Another article already uses the address {fields['slug']!r}.", "slug", status=409
        )
    if article is not None and all(getattr(article, f) == fields[f] for f in FIELDS):
        return article, False
    now = utcnow()
    old_slug = article.slug if article is not None else None
    if article is None:
        article = Article(author=editor, created_at=now)
        db.session.add(article)
    was_published = article.is_published
    for name in FIELDS:
        setattr(article, name, fields[name])
    article.updated_at = now
    if article.is_published and not was_published:
        article.published_at = now
    if article.is_published:  # publishing a revision is a review of the whole article
        article.reviewed_at = now
    number = len(article.revisions) + 1
    article.revisions.append(
        ArticleRevision(
            number=number,
            editor=editor,
            created_at=now,
            note=" ".join(note.split())[:300],
            **{name: fields[name] for name in FIELDS if name != "slug"},
        )
    )
    if old_slug and old_slug != article.slug:
        record_change(DOC_TYPE, old_slug, "delete")
    record_change(DOC_TYPE, article.slug, "upsert")
    db.session.flush()
    return article, True


def set_status(article: Article, status: str, editor: User | None) -> Article:
    """Publish or unpublish: an edit like any other, so it is a revision too."""
    data = {name: getattr(article, name) for name in FIELDS} | {"status": status}
    note = "Published" if status == ArticleStatus.PUBLISHED.value else "Unpublished"
    return save_article(article, data, editor, note)[0]


def revisions(article: Article) -> list[ArticleRevision]:
    return list(
        db.session.scalars(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article.id)
            .order_by(ArticleRevision.number.desc())
        )
    )


def find_revision(article: Article, number: int) -> ArticleRevision | None:
    return db.session.scalar(
        select(ArticleRevision).where(
            ArticleRevision.article_id == article.id, ArticleRevision.number == number
        )
    )


def rate(article: Article, voter: str, helpful: bool) -> bool:
    """Record one reader's answer; False if this reader already answered for this article."""
    if db.session.scalar(
        select(ArticleRating.id).where(
            ArticleRating.article_id == article.id, ArticleRating.voter == voter
        )
    ):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ArticleRating(article_id=article.id, voter=voter, helpful=helpful))
    except IntegrityError:  # the same reader, twice at the same moment
        return False
    return True


def has_rated(article: Article, voter: str | None) -> bool:
    if not voter:
        return False
    return (
        db.session.scalar(
            select(ArticleRating.id).where(
                ArticleRating.article_id == article.id, ArticleRating.voter == voter
            )
        )
        is not None
    )


def rating_totals(article: Article) -> tuple[int, int]:
    """(helpful, not helpful) answers for the article."""
    helpful, total = db.session.execute(
        select(
            func.coalesce(func.sum(case((ArticleRating.helpful.is_(True), 1), else_=0)), 0),
            func.count(ArticleRating.id),
        ).where(ArticleRating.article_id == article.id)
    ).one()
    return int(helpful), int(total) - int(helpful)


def known_tags() -> list[str]:
    """Every tag on a published article, for the search filter: read once and kept until an
    article changes, since it reads every article's tags."""

    def read() -> tuple[str, ...]:
        # Each distinct list once, as its JSON text: thousands of articles share a few dozen
        # lists, and decoding every article's list took longer than the search itself.
        tags: set[str] = set()
        for listed in db.session.scalars(
            select(cast(Article.tags, Text))
            .where(Article.status == ArticleStatus.PUBLISHED.value)
            .distinct()
        ):
            tags.update((json.loads(listed) if listed else None) or ())
        return tuple(sorted(tags))

    return list(shared_value("kb_known_tags", read))
