"""The self-help loop: every search logged, gaps closed by articles, what readers missed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class SearchSource(StrEnum):
    """Where a search was typed."""

    PAGE = "page"  # the KB search page, loaded whole (no JavaScript, a link, Enter)
    AS_YOU_TYPE = "as_you_type"  # the KB search page's HTMX fragment
    FILING = "filing"  # the suggestions beside the case filing form
    API = "api"  # GET /api/v1/kb/search


class SearchLog(db.Model):
    """One search: what was asked, what it found, what was opened, whether a case followed.

    No personal data beyond the account: `search_session` is a random id kept in the
    visitor's session (never an address or a browser's name), so searches of one visit can
    be tied to the case filed at its end.
    """

    __tablename__ = "kb_search_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # How links and later events name the row before it is written (portal/kb/search_log.py).
    key: Mapped[str | None] = mapped_column(String(24), unique=True, index=True)
    query: Mapped[str] = mapped_column(String(500), default="")
    normalized: Mapped[str] = mapped_column(String(500), default="", index=True)
    filters: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(20))
    results: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    search_session: Mapped[str | None] = mapped_column(String(32), index=True)
    searched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    opened_path: Mapped[str | None] = mapped_column(String(300))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)


class SearchGapClosure(db.Model):
    """A search wording an article was written for: it leaves the gaps list from then on."""

    __tablename__ = "kb_gap_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    normalized: Mapped[str] = mapped_column(String(500), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArticleFeedback(db.Model):
    """What a reader who answered "did this help?" with no says was missing, once per reader."""

    __tablename__ = "kb_article_feedback"
    __table_args__ = (UniqueConstraint("article_id", "voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    # The rating's voter: "user:<id>" or "session:<random token>".
    voter: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
