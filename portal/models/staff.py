"""What the portal knows about support staff beyond their account: team and skills."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
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


class CannedReply(db.Model):
    """A saved reply a team inserts into the reply box; managers keep the list.

    ``team`` matches a staff profile's team; an empty team is offered to every team. The body
    is Markdown with placeholders (``{customer_name}``, ``{case_number}``) filled on insert.
    """

    __tablename__ = "canned_replies"
    __table_args__ = (UniqueConstraint("team", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team: Mapped[str] = mapped_column(String(80), default="", index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    updated_by: Mapped[User | None] = relationship("User")


class CasePresence(db.Model):
    """Who last had a case open, doing what, and when: one row per engineer and case.

    Kept in the database (not in one server's memory) so engineers on different app servers
    see each other; a row older than a few polls means the engineer has gone.
    """

    __tablename__ = "case_presence"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    activity: Mapped[str] = mapped_column(String(10), default="viewing")
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship("User")
