"""What the portal knows about support staff beyond their account: team and skills."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import User


class StaffProfile(db.Model):
    """Shown when choosing who should own a case: time zone (on the user), team and skills."""

    __tablename__ = "staff_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    team: Mapped[str] = mapped_column(String(80), default="")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)

    user: Mapped[User] = relationship("User")
