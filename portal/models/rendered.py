"""Markdown rendered once, when it is saved, and stored beside its source.

Rendering (Markdown, Pygments, nh3) costs far more than serving the page around it, so a
model whose text is Markdown mixes in `RenderedMarkdown`: setting the source column sets the
HTML column and the renderer version it was made with, on every write path at once. Pages
read `obj.html`. A row rendered by an older renderer still shows correctly (it is rendered
again on the fly) until `flask markdown render` brings it up to date.

This is derived data kept beside its source, like an index, not a rule: nothing else
happens on save.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from importlib.metadata import version
from typing import Any, ClassVar

from markupsafe import Markup
from sqlalchemy import String, event, select, update
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from portal import markdown


def _renderer_version() -> str:
    """Changes whenever the HTML for the same source could change."""
    settings = repr(
        (
            markdown.EXTENSIONS,
            sorted(markdown.EXTENSION_CONFIGS.items()),
            sorted(markdown.ALLOWED_TAGS),
            sorted((tag, sorted(names)) for tag, names in markdown.ALLOWED_ATTRIBUTES.items()),
            sorted(markdown.URL_SCHEMES),
            markdown.MAX_SOURCE,
            [version(name) for name in ("Markdown", "Pygments", "nh3")],
        )
    )
    digest = hashlib.sha256(settings.encode()).hexdigest()[:16]
    return f"{markdown.RENDERER_REVISION}-{digest}"


RENDERER_VERSION = _renderer_version()


def render(source: str | None) -> str:
    """The stored form of one source: sanitised HTML as text."""
    return str(markdown.render_markdown(source))


class RenderedMarkdown:
    """Mixin: `markdown_source` names the Markdown column, `markdown_html` its rendering."""

    markdown_source: ClassVar[str] = "body"
    markdown_html: ClassVar[str] = "body_html"

    # The renderer that produced the stored HTML; None until rendered.
    html_version: Mapped[str | None] = mapped_column(String(40))

    @property
    def html(self) -> Markup:
        """The source as safe HTML: stored, or rendered now if the renderer has changed."""
        stored = getattr(self, self.markdown_html)
        if stored is not None and self.html_version == RENDERER_VERSION:
            return Markup(stored)  # noqa: S704 - rendered and sanitised by portal.markdown
        return markdown.render_markdown(getattr(self, self.markdown_source))


def _source_set(target: RenderedMarkdown, value: Any, oldvalue: Any, initiator: Any) -> None:
    if (
        value == oldvalue
        and target.html_version == RENDERER_VERSION
        and getattr(target, target.markdown_html) is not None
    ):
        return
    setattr(target, target.markdown_html, render(value))
    target.html_version = RENDERER_VERSION


@event.listens_for(RenderedMarkdown, "mapper_configured", propagate=True)
def _track_source(mapper: Mapper, cls: type[RenderedMarkdown]) -> None:
    event.listen(getattr(cls, cls.markdown_source), "set", _source_set)


def rendered_models() -> list[type[RenderedMarkdown]]:
    """Every model whose Markdown is stored rendered."""
    from portal.extensions import db

    return sorted(
        (m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, RenderedMarkdown)),
        key=lambda cls: cls.__tablename__,
    )


def stale_ids(model: type[RenderedMarkdown], *, everything: bool = False) -> list[int]:
    """Ids of the rows whose stored HTML is missing or from another renderer."""
    from portal.extensions import db

    query = select(model.id).order_by(model.id)
    if not everything:
        query = query.where(
            (model.html_version.is_(None)) | (model.html_version != RENDERER_VERSION)
        )
    return list(db.session.scalars(query))


def rerender(model: type[RenderedMarkdown], ids: list[int]) -> int:
    """Render the given rows again with the current renderer (bulk UPDATE, no ORM events)."""
    from portal.extensions import db

    source = getattr(model, model.markdown_source)
    rows = db.session.execute(select(model.id, source).where(model.id.in_(ids))).all()
    if rows:
        db.session.execute(
            update(model),
            [
                {"id": row_id, model.markdown_html: render(text), "html_version": RENDERER_VERSION}
                for row_id, text in rows
            ],
        )
    return len(rows)


def batches(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
