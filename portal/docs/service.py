"""Reading, editing and importing documentation pages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
from sqlalchemy import select

from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import DocPage, User
from portal.models.types import utcnow
from portal.numbers import parse_id
from portal.products.service import product_names
from portal.search import record_change

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
MAX_BODY = 200_000
MAX_POSITION = 10_000  # a page's place in its guide
DOCS_FOLDER = Path(__file__).resolve().parent.parent.parent / "docs_content"


@dataclass
class Guide:
    product: str
    name: str
    pages: list[DocPage] = field(default_factory=list)


def guides(include_drafts: bool = False) -> list[Guide]:
    """Every guide with its pages in order, products in configured order; one query."""
    query = select(DocPage).order_by(DocPage.product, DocPage.guide, DocPage.position)
    if not include_drafts:
        query = query.where(DocPage.published.is_(True))
    products = product_names(include_retired=True)
    grouped: dict[tuple[str, str], Guide] = {}
    for page in db.session.scalars(query):
        grouped.setdefault(
            (page.product, page.guide), Guide(page.product, page.guide)
        ).pages.append(page)
    rank = {name: index for index, name in enumerate(products)}
    return sorted(grouped.values(), key=lambda g: (rank.get(g.product, 99), g.product, g.name))


def find_page(slug: str, include_drafts: bool = False) -> DocPage | None:
    page = db.session.scalar(select(DocPage).where(DocPage.slug == slug))
    if page is None or (not page.published and not include_drafts):
        return None
    return page


def neighbours(page: DocPage) -> tuple[DocPage | None, DocPage | None]:
    """The previous and next published pages of the same guide."""
    siblings = list(
        db.session.scalars(
            select(DocPage)
            .where(
                DocPage.guide == page.guide,
                DocPage.product == page.product,
                DocPage.published.is_(True),
            )
            .order_by(DocPage.position)
        )
    )
    ids = [p.id for p in siblings]
    if page.id not in ids:
        return None, None
    index = ids.index(page.id)
    return (
        siblings[index - 1] if index > 0 else None,
        siblings[index + 1] if index + 1 < len(siblings) else None,
    )


def _text(data: Mapping[str, Any], name: str, limit: int, required: bool = True) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise DomainError(f"'{name}' must be text.", name)
    value = str(value).strip()
    if required and not value:
        raise DomainError(f"Give the page a {name}.", name)
    if len(value) > limit:
        raise DomainError(f"The {name} can be at most {limit} characters.", name)
    return value


def save_page(page: DocPage | None, data: Mapping[str, Any], user: User | None) -> DocPage:
    """Create or update a page from checked values."""
    slug = _text(data, "slug", 120).lower()
    if not SLUG_PATTERN.match(slug):
        raise DomainError("The address may use lower-case letters, digits and dashes only.", "slug")
    clash = db.session.scalar(select(DocPage).where(DocPage.slug == slug))
    if clash is not None and clash is not page:
        raise DomainError(f"Another page already uses the address {slug!r}.", "slug")
    product = _text(data, "product", 80)
    if product not in product_names(include_retired=True):
        raise DomainError(f"Unknown product {product[:80]!r}.", "product")
    position = parse_id(data.get("order", data.get("position", 1)))
    if position is None or position > MAX_POSITION:
        raise DomainError(
            f"The position must be a whole number from 1 to {MAX_POSITION:,}.", "order"
        )
    body = data.get("body", "")
    if not isinstance(body, str) or len(body) > MAX_BODY:
        raise DomainError("The page text must be at most 200,000 characters.", "body")
    page = page or DocPage()
    if page.slug and page.slug != slug:
        record_change("doc", page.slug, "delete")
    page.slug = slug
    page.title = _text(data, "title", 200)
    page.product = product
    page.guide = _text(data, "guide", 120)
    page.version = _text(data, "version", 20, required=False)
    page.summary = _text(data, "summary", 300, required=False)
    page.position = position
    page.body = body
    page.published = bool(data.get("published", True))
    page.updated_at = utcnow()
    page.updated_by = user
    db.session.add(page)
    db.session.flush()
    record_change("doc", page.slug, "upsert")
    return page


def import_folder(folder: Path) -> tuple[int, int, list[str]]:
    """Upsert every `*.md` page of a folder by slug; returns (added, updated, refused reasons)."""
    added = updated = 0
    refused: list[str] = []
    for path in sorted(folder.glob("*.md")):
        try:
            post = frontmatter.load(path)
            data = dict(post.metadata) | {"body": post.content}
            data.setdefault("slug", path.stem)
            existing = db.session.scalar(select(DocPage).where(DocPage.slug == data["slug"]))
            with db.session.begin_nested():
                save_page(existing, data, None)
        except (DomainError, ValueError, OSError) as error:
            refused.append(f"{path.name}: {error}")
            continue
        except Exception as error:  # broken YAML raises the parser's own errors
            refused.append(
                f"{path.name}: cannot read its front matter ({error.__class__.__name__})"
            )
            continue
        if existing is None:
            added += 1
        else:
            updated += 1
    return added, updated, refused


def seed_demo_docs() -> str:
    """The shipped documentation; pages already present are left as people edited them."""
    if not DOCS_FOLDER.is_dir():
        return "docs: no docs_content folder"
    present = set(db.session.scalars(select(DocPage.slug)))
    added = 0
    for path in sorted(DOCS_FOLDER.glob("*.md")):
        post = frontmatter.load(path)
        slug = str(post.metadata.get("slug") or path.stem)
        if slug in present:
            continue
        save_page(None, dict(post.metadata) | {"body": post.content, "slug": slug}, None)
        added += 1
    return f"docs: {added} pages added"
