"""Product releases and the bugs each one fixes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import User
from portal.models.rendered import RenderedMarkdown
from portal.models.types import UTCDateTime, utcnow


class ReleaseKind(StrEnum):
    """The three release mechanisms of the update policy."""

    HOTFIX = "hotfix"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def label(self) -> str:
        return {"hotfix": "Patch or hotfix", "minor": "Minor release", "major": "Major release"}[
            self.value
        ]


class Release(RenderedMarkdown, db.Model):
    __tablename__ = "releases"
    markdown_source = "notes"
    markdown_html = "notes_html"
    __table_args__ = (UniqueConstraint("product", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str | None] = mapped_column(Text)
    fixes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Each fixed bug's title by its number, as the release notes list them; a bug may have none.
    fix_titles: Mapped[dict[str, str] | None] = mapped_column(JSON, default=dict)
    production: Mapped[bool] = mapped_column(default=False)
    released_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    production_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship("User")

    @property
    def fixed_bugs(self) -> list[tuple[str, str]]:
        """Each fixed bug's number with its title ("" when none was recorded)."""
        titles = self.fix_titles or {}
        return [(bug, titles.get(bug, "")) for bug in self.fixes or ()]

    @property
    def kind_enum(self) -> ReleaseKind:
        return ReleaseKind(self.kind)
