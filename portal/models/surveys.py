"""Satisfaction surveys: one after each closed case, and a wider one twice a year."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import User
from portal.models.types import UTCDateTime, utcnow


class SurveyCampaign(db.Model):
    """One launch of the semi-annual survey."""

    __tablename__ = "survey_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    launched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    launched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SurveyInvitation(db.Model):
    """An invitation to one person; its secret token is the survey's address."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        # One transactional survey per case, one semi-annual survey per person per campaign.
        UniqueConstraint("case_id", name="uq_survey_invitations_case_id"),
        UniqueConstraint("campaign_id", "user_id", name="uq_survey_invitations_campaign_user"),
        Index("ix_survey_invitations_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # "case" or "semiannual"
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("survey_campaigns.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship("User")
    campaign: Mapped[SurveyCampaign | None] = relationship("SurveyCampaign")
    answers: Mapped[list[SurveyAnswer]] = relationship(
        "SurveyAnswer", back_populates="invitation", cascade="all, delete-orphan"
    )


class SurveyAnswer(db.Model):
    """A score from 1 (very poor) to 5 (excellent) for one area of a survey."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("invitation_id", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("survey_invitations.id"), index=True)
    area: Mapped[str] = mapped_column(String(40))
    score: Mapped[int]

    invitation: Mapped[SurveyInvitation] = relationship(
        "SurveyInvitation", back_populates="answers"
    )
