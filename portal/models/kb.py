"""Knowledge-base articles, every revision of them, and readers' "did this help?" ratings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import User
from portal.models.rendered import RenderedMarkdown
from portal.models.types import UTCDateTime, utcnow


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Article(RenderedMarkdown, db.Model):
    __tablename__ = "kb_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    product: Mapped[str] = mapped_column(String(80), default="", index=True)
    versions: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=ArticleStatus.DRAFT.value, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a KB engineer last confirmed the article is right: marked reviewed, or published.
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Readings of the published article, counted with one UPDATE per view (kb/browse.py).
    view_count: Mapped[int] = mapped_column(default=0, server_default="0")

    author: Mapped[User | None] = relationship("User")
    revisions: Mapped[list[ArticleRevision]] = relationship(
        "ArticleRevision",
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="ArticleRevision.id",
    )

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED.value


class ArticleRevision(db.Model):
    """The article exactly as one edit left it, with who made the edit and why."""

    __tablename__ = "kb_article_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    product: Mapped[str] = mapped_column(String(80), default="")
    versions: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(300), default="")
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship("Article", back_populates="revisions")
    editor: Mapped[User | None] = relationship("User")


class ArticleRating(db.Model):
    """One reader's answer to "did this help?": one per account, or per session when anonymous."""

    __tablename__ = "kb_article_ratings"
    __table_args__ = (UniqueConstraint("article_id", "voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    # "user:<id>" or "session:<random token>"
    voter: Mapped[str] = mapped_column(String(80))
    helpful: Mapped[bool] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
