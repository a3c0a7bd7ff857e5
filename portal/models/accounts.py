"""Organisations, their annual agreements, people and their contact roles."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    """A person's role at the vendor's portal (CONTRACT.md `users create --role`)."""

    EVALUATION = "evaluation"
    CUSTOMER = "customer"
    TSE = "tse"
    MANAGER = "manager"
    KB_ENGINEER = "kb-engineer"
    PRODUCT_MANAGER = "product-manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_staff(self) -> bool:
        return self not in (Role.EVALUATION, Role.CUSTOMER)


ROLE_LABELS = {
    Role.EVALUATION: "Evaluation user",
    Role.CUSTOMER: "Customer contact",
    Role.TSE: "Technical Support Engineer",
    Role.MANAGER: "Support Manager",
    Role.KB_ENGINEER: "KB engineer",
    Role.PRODUCT_MANAGER: "Product manager",
    Role.ADMIN: "Administrator",
}


class ContactKind(StrEnum):
    """The two customer contact roles of the support guide (§4.1)."""

    SUPPORT_ADMIN = "support-admin"
    LICENSE_ADMIN = "license-admin"

    @property
    def label(self) -> str:
        return (
            "Support Administrator"
            if self is ContactKind.SUPPORT_ADMIN
            else "License Administrator"
        )


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreements: Mapped[list[Agreement]] = relationship(
        "Agreement", back_populates="organisation", order_by="Agreement.starts_on"
    )
    contacts: Mapped[list[ContactRole]] = relationship("ContactRole", back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class Agreement(db.Model):
    """An annual support agreement; the tier decides hours and response targets."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    tier: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship("Organisation", back_populates="agreements")

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so uniqueness ignores case on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.EVALUATION.value)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contact_roles: Mapped[list[ContactRole]] = relationship(
        "ContactRole", back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_staff(self) -> bool:
        return self.role_enum.is_staff

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    # The secret of the login session this object was loaded or logged in under (not stored;
    # only its digest is, in LoginSession), so Flask-Login keeps "<id>:<session key>".
    session_key = None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key or ''}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class ContactRole(db.Model):
    """A customer contact's role for one organisation; one person may hold both kinds."""

    __tablename__ = "contact_roles"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship("User", back_populates="contact_roles")
    organisation: Mapped[Organisation] = relationship("Organisation", back_populates="contacts")

    @property
    def kind_enum(self) -> ContactKind:
        return ContactKind(self.kind)


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # What the owner called it ("CI pipeline"), to tell their tokens apart when revoking one.
    name: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[User] = relationship("User")


class LoginSession(db.Model):
    """One logged-in browser: the session cookie names it, and logging out deletes it, so a
    copied or replayed cookie stops working on every server at once. Only a digest of the
    session's secret is stored."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginFailure(db.Model):
    """Failed log-ins for one account name from one address, shared by the login form and the
    token endpoint: past the free attempts each failure doubles the wait. Keyed by address as
    well, so nobody elsewhere can lock a customer out by guessing at their account."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("email", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
