"""The search change log: every server's index catches up from it (ARCHITECTURE.md, Scale-out)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class SearchChange(db.Model):
    """A document to (re)index or drop; written in the same transaction as the change itself."""

    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(primary_key=True)  # monotonic: the catch-up high-water mark
    doc_type: Mapped[str] = mapped_column(String(20))
    doc_key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(10))  # "upsert" or "delete"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
