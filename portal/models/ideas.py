"""Feature requests: ideas, one vote per person, and acceptance of the suggestion terms."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import User
from portal.models.rendered import RenderedMarkdown
from portal.models.types import UTCDateTime, utcnow


class IdeaStatus(StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    SHIPPED = "shipped"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    IdeaStatus.NEW: "New",
    IdeaStatus.UNDER_REVIEW: "Under review",
    IdeaStatus.PLANNED: "Planned",
    IdeaStatus.SHIPPED: "Shipped",
    IdeaStatus.DECLINED: "Declined",
}


class Idea(RenderedMarkdown, db.Model):
    __tablename__ = "ideas"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=IdeaStatus.NEW.value, index=True)
    status_note: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_in_release: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept in step with IdeaVote rows by the service, so lists sort without counting.
    vote_count: Mapped[int] = mapped_column(default=0, index=True)

    author: Mapped[User] = relationship("User")

    @property
    def status_enum(self) -> IdeaStatus:
        return IdeaStatus(self.status)


class IdeaStatusChange(db.Model):
    """One step of an idea's status history, shown on its page: what it became, with the
    note and release given, who set it and when."""

    __tablename__ = "idea_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    release: Mapped[str] = mapped_column(String(40), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship("User")

    @property
    def from_enum(self) -> IdeaStatus:
        return IdeaStatus(self.from_status)

    @property
    def to_enum(self) -> IdeaStatus:
        return IdeaStatus(self.to_status)


class IdeaVote(db.Model):
    __tablename__ = "idea_votes"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Status mail for this idea; the mail's one-click unsubscribe turns it off (RFC 8058).
    mail_updates: Mapped[bool] = mapped_column(default=True, server_default=true())

    user: Mapped[User] = relationship("User")


class SuggestionTermsAcceptance(db.Model):
    """When a person accepted which version of the terms on suggestions (support guide §3.5)."""

    __tablename__ = "suggestion_terms_acceptances"
    __table_args__ = (UniqueConstraint("user_id", "terms_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    terms_version: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
