"""License keys issued to organisations, and their requests to renew support."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import Organisation, User
from portal.models.types import UTCDateTime, utcnow


class LicenseKey(db.Model):
    """A key for one product's major version; a new major release needs a new key."""

    __tablename__ = "license_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    product: Mapped[str] = mapped_column(String(80))
    major_version: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(120), unique=True)
    hosts: Mapped[int] = mapped_column(default=1)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship("Organisation")


class RenewalRequest(db.Model):
    __tablename__ = "renewal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship("Organisation")
    requested_by: Mapped[User] = relationship("User")
