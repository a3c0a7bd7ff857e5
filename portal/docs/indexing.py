"""Published documentation pages in the one search index, as documents of type "doc"."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from portal.extensions import db
from portal.links import public_path
from portal.models import DocPage
from portal.search import SearchDocument, register_source

DOC_TYPE = "doc"


def load_pages(keys: list[str]) -> list[SearchDocument]:
    if not keys:
        return []
    pages = db.session.scalars(
        select(DocPage).where(DocPage.slug.in_(keys), DocPage.published.is_(True))
    )
    return [
        SearchDocument(
            type=DOC_TYPE,
            key=page.slug,
            title=page.title,
            url=public_path("docs.page", slug=page.slug),
            summary=page.summary or f"{page.product}: {page.guide}",
            body=page.body,
            tags=(page.guide.lower(),),
            product=page.product,
            versions=(page.version,) if page.version else (),
        )
        for page in pages
    ]


def all_page_keys() -> Iterable[str]:
    return db.session.scalars(select(DocPage.slug).where(DocPage.published.is_(True))).all()


register_source(DOC_TYPE, load_pages, all_page_keys)
