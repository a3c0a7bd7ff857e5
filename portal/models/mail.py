"""Mail beyond the outbox: notices waiting to be coalesced into one mail, and received mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.accounts import User
from portal.models.cases import Case
from portal.models.types import UTCDateTime, utcnow


class CaseNotice(db.Model):
    """One thing to tell one person about a case; notices due together go out as one mail.

    A notice waits (``batch`` and ``mail_id`` empty) until the first pending notice for the
    same case and person is ``MAIL_COALESCE_SECONDS`` old; then every pending one is taken
    (``batch``) and rendered into a single mail (``mail_id``).
    """

    __tablename__ = "case_notices"
    __table_args__ = (Index("ix_case_notices_pending", "case_id", "recipient_id", "batch"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # "customer" (the case's contact) or "staff" (alerts to owners and managers).
    audience: Mapped[str] = mapped_column(String(10))
    template: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(300))
    headline: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    # A person's words in Markdown (a public reply): kept verbatim in the text part.
    markdown: Mapped[str | None] = mapped_column(Text)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    batch: Mapped[str | None] = mapped_column(String(32))
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("outgoing_mail.id"))

    case: Mapped[Case] = relationship("Case")
    recipient: Mapped[User] = relationship("User")


class IncomingMail(db.Model):
    """A received message, stored once: filed on a case, answered, or kept for staff review.

    ``dedupe_key`` is the SHA-256 of the Message-ID (of the raw bytes when there is none), so
    a second delivery of the same message adds nothing.
    """

    __tablename__ = "incoming_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str] = mapped_column(String(500), default="")
    sender: Mapped[str] = mapped_column(String(254), default="", index=True)
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    # The message as received; None when it was refused for its size.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    # filed | answered | review | discarded
    status: Mapped[str] = mapped_column(String(12), index=True)
    reason_code: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_message_id: Mapped[int | None] = mapped_column(ForeignKey("case_messages.id"))
    answer_mail_id: Mapped[int | None] = mapped_column(ForeignKey("outgoing_mail.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case | None] = relationship("Case")
    author: Mapped[User | None] = relationship("User", foreign_keys=[author_id])
    handled_by: Mapped[User | None] = relationship("User", foreign_keys=[handled_by_id])
