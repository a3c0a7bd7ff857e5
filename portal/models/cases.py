"""Support cases, their conversation, timeline, attachments, and deflected filings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    literal_column,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import Organisation, User
from portal.models.rendered import RenderedMarkdown
from portal.models.types import UTCDateTime, utcnow


class CaseStatus(StrEnum):
    """Where a case stands; the allowed moves live in `portal/cases/status.py`."""

    NEW = "new"
    ASSIGNED = "assigned"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    WAITING_ON_SUPPORT = "waiting_on_support"
    AWAITING_BUG_FIX = "awaiting_bug_fix"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self is not CaseStatus.CLOSED


# Where the next move is support's: a reply is owed. SLA alerts and the dashboard's "longest
# waiting" look at these; waiting on the customer or on a bug fix is not support's move.
SUPPORTS_MOVE = (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.WAITING_ON_SUPPORT)
SUPPORTS_MOVE_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in SUPPORTS_MOVE))

_STATUS_LABELS = {
    CaseStatus.NEW: "New",
    CaseStatus.ASSIGNED: "Assigned",
    CaseStatus.WAITING_ON_CUSTOMER: "Waiting on customer",
    CaseStatus.WAITING_ON_SUPPORT: "Waiting on support",
    CaseStatus.AWAITING_BUG_FIX: "Awaiting bug fix",
    CaseStatus.RESOLVED: "Resolved",
    CaseStatus.CLOSED: "Closed",
}


class Channel(StrEnum):
    """How a case reached support."""

    WEB = "web"
    API = "api"
    PHONE = "phone"


class CaseNumberCounter(db.Model):
    """One row holding the next case number; incremented atomically, so numbers never repeat."""

    __tablename__ = "case_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    next_value: Mapped[int] = mapped_column(Integer)


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_org_status", "organisation_id", "status"),
        Index("ix_cases_status_due", "status", "response_due_at"),
        # The open cases, a few percent of all at any size: the staff queue and its counts
        # read only these, so they need not scan the years of closed ones.
        Index(
            "ix_cases_open_owner",
            "owner_id",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        # The queue's order (portal.staff.queue.queue_order) over the open cases: a page is a
        # walk along it, forwards from the first page or backwards from the last. The included
        # columns let the queue's counts and filters read the index alone (PostgreSQL).
        Index(
            "ix_cases_open_queue",
            text("(first_response_at IS NOT NULL)"),
            text("(response_due_at IS NULL)"),
            "response_due_at",
            text("last_customer_update_at DESC"),
            "filed_at",
            "id",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
            postgresql_include=["owner_id", "tier", "severity", "status", "product", "escalated"],
        ),
        # A rare severity (P1 is a few percent) is found directly, not by walking the queue.
        Index(
            "ix_cases_open_severity",
            "severity",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        # The dashboard's months: attainment by due time, cases filed by filing time, each
        # read from the index alone on PostgreSQL.
        Index(
            "ix_cases_response_due",
            "response_due_at",
            postgresql_include=[
                "tier",
                "severity",
                "status",
                "first_response_at",
                "closed_at",
                "updated_at",
            ],
        ),
        Index("ix_cases_filed_at", "filed_at", "id"),
        # The open escalations, for the dashboard: a handful among the open cases.
        Index(
            "ix_cases_open_escalated",
            "escalated_at",
            postgresql_where=text("escalated IS true AND status <> 'closed'"),
            sqlite_where=text("escalated IS 1 AND status <> 'closed'"),
        ),
        # The cases on support's move, for the dashboard's longest waiting and its counts:
        # everything the breach test and the wait need, read from the index alone.
        Index(
            "ix_cases_supports_move",
            "id",
            postgresql_include=[
                "tier",
                "severity",
                "status",
                "response_due_at",
                "first_response_at",
                "last_customer_update_at",
                "filed_at",
            ],
            postgresql_where=text(SUPPORTS_MOVE_SQL),
            sqlite_where=text(SUPPORTS_MOVE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    recent_changes: Mapped[str] = mapped_column(Text, default="")
    product: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40), default="")

    customer_severity: Mapped[str] = mapped_column(String(2))
    severity: Mapped[str] = mapped_column(String(2))
    # The agreement's tier when the case was filed: later renewals do not move its targets.
    tier: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(24), default=CaseStatus.NEW.value)
    escalated: Mapped[bool] = mapped_column(default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(10), default=Channel.WEB.value)
    bug_id: Mapped[str | None] = mapped_column(String(40), index=True)
    third_party: Mapped[bool] = mapped_column(default=False)
    third_party_vendor: Mapped[str | None] = mapped_column(String(120))
    action_plan: Mapped[str | None] = mapped_column(Text)
    action_plan_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last SLA alert sent to support for the current due time: 0 none, 1 at risk, 2 breached.
    sla_alert_level: Mapped[int] = mapped_column(default=0, server_default="0")
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_met: Mapped[bool | None] = mapped_column()
    last_support_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_customer_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship("Organisation")
    contact: Mapped[User] = relationship("User", foreign_keys=[contact_id])
    owner: Mapped[User | None] = relationship("User", foreign_keys=[owner_id])
    filed_by: Mapped[User | None] = relationship("User", foreign_keys=[filed_by_id])
    messages: Mapped[list[CaseMessage]] = relationship(
        "CaseMessage", back_populates="case", order_by="CaseMessage.id"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        "CaseEvent", back_populates="case", order_by="CaseEvent.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        "Attachment", back_populates="case", order_by="Attachment.id"
    )

    @property
    def status_enum(self) -> CaseStatus:
        return CaseStatus(self.status)

    @hybrid_property
    def is_open(self) -> bool:
        """The one definition of an open case: any status but closed.

        Works on an instance and in a query alike (``select(Case).where(Case.is_open)``).
        """
        return self.status != CaseStatus.CLOSED.value

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls) -> ColumnElement[bool]:
        # A literal, not a bound parameter: PostgreSQL then matches it to the partial index
        # ix_cases_open_owner in every plan, generic ones included.
        return cls.status != literal_column(f"'{CaseStatus.CLOSED.value}'")

    @property
    def is_closed(self) -> bool:
        return not self.is_open

    @hybrid_property
    def on_supports_move(self) -> bool:
        """Open and waiting for support (new, assigned, waiting on support); in SQL too."""
        return self.status in {status.value for status in SUPPORTS_MOVE}

    @on_supports_move.inplace.expression
    @classmethod
    def _on_supports_move_expression(cls) -> ColumnElement[bool]:
        return cls.status.in_([status.value for status in SUPPORTS_MOVE])

    def __repr__(self) -> str:
        return f"<Case {self.number} {self.status}>"


class CaseMessage(RenderedMarkdown, db.Model):
    """A message on a case: public (customer and support both see it) or an internal note."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=True)
    from_support: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship("Case", back_populates="messages")
    author: Mapped[User | None] = relationship("User")
    attachments: Mapped[list[Attachment]] = relationship(
        "Attachment", back_populates="message", order_by="Attachment.id"
    )


class CaseEvent(db.Model):
    """One line of a case's timeline; `public` events are shown to the customer."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship("Case", back_populates="events")
    actor: Mapped[User | None] = relationship("User")


class Attachment(db.Model):
    """A file on a case, stored on disk under UPLOAD_DIR; the database keeps its metadata."""

    __tablename__ = "case_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("case_messages.id"))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship("Case", back_populates="attachments")
    message: Mapped[CaseMessage | None] = relationship("CaseMessage", back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship("User")


class Deflection(db.Model):
    """A filing that ended because a suggested article answered the question."""

    __tablename__ = "case_deflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    query: Mapped[str] = mapped_column(Text, default="")
    article_key: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship("User")
    organisation: Mapped[Organisation | None] = relationship("Organisation")
