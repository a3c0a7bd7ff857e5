"""What the portal knows about support staff beyond their account: team and skills."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import User
from portal.models.cases import Case
from portal.models.kb import Article
from portal.models.types import UTCDateTime, utcnow


class StaffProfile(db.Model):
    """Shown when choosing who should own a case: time zone (on the user), team and skills."""

    __tablename__ = "staff_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    team: Mapped[str] = mapped_column(String(80), default="")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)

    user: Mapped[User] = relationship("User")


class CaseArticleLink(db.Model):
    """A KB article drafted from a case, so each can point to the other."""

    __tablename__ = "case_article_links"
    __table_args__ = (UniqueConstraint("case_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship("Case")
    article: Mapped[Article] = relationship("Article")
