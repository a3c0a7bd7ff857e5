"""Writing a case's timeline and telling its customer contact about what they can see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.extensions import db
from portal.mail.notices import add_notice
from portal.models import Case, CaseEvent, User
from portal.models.types import utcnow

# What each kind of event reads as on the timeline (customers see only public ones).
EVENT_LABELS = {
    "filed": "Case filed",
    "message": "Message",
    "note": "Internal note",
    "status": "Status changed",
    "escalated": "Escalated",
    "deescalated": "Escalation ended",
    "attachment": "File attached",
    "severity": "Severity changed",
    "assigned": "Owner changed",
    "first_response": "First response from support",
    "auto_closed": "Closed after seven days without an update",
    "reopened": "Reopened",
    "action_plan": "Action plan",
    "bug": "Bug tracking number",
    "third_party": "Third-party product",
}


def record_event(
    case: Case,
    kind: str,
    actor: User | None,
    data: dict[str, Any] | None = None,
    *,
    public: bool = True,
    now: datetime | None = None,
) -> CaseEvent:
    """Append one line to the case's timeline; flushes, never commits."""
    event = CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        data=dict(data or {}),
        public=public,
        created_at=now or utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def notify_customer(
    case: Case,
    headline: str,
    *,
    restarts_auto_close: bool,
    actor: User | None = None,
    details: str = "",
    markdown: str | None = None,
    moments: dict[str, datetime] | None = None,
    now: datetime | None = None,
) -> None:
    """Tell the case's contact about something they can see on the case page.

    Nothing is sent for what the contact did themselves: they saw it happen. Notices within
    MAIL_COALESCE_SECONDS go out as one mail (`portal.mail.notices`). ``markdown`` is a
    person's words (a public reply), ``details`` plain text, ``moments`` labelled times the
    mail shows in the contact's own time zone. Each operation says whether its notice
    restarts the seven-day auto-close week (`restarts_auto_close`): support telling the
    customer something does; the customer's own actions do not.
    """
    if restarts_auto_close:
        restart_auto_close_week(case, now)
    if actor is not None and actor.id == case.contact_id:
        return
    context = {"moments": {k: v.isoformat() for k, v in moments.items()}} if moments else {}
    add_notice(
        case,
        case.contact,
        headline,
        details=details,
        markdown=markdown,
        context=context,
        now=now,
    )


def restart_auto_close_week(case: Case, now: datetime | None = None) -> None:
    """Support has told the customer something: the seven quiet days count from now."""
    case.last_support_notice_at = now or utcnow()
