"""Fewer, better mails: notices about one case to one person within a short window go out
as one mail listing them all.

`add_notice` records what to tell someone, in the caller's transaction, and queues a
`mail.case_notices` job due when the oldest pending notice for that case and person is
MAIL_COALESCE_SECONDS old; so a public reply waits at most that long. The job takes every
pending notice with a conditional UPDATE (several workers never send the same one twice) and
renders one mail: a single notice in its own template, several in the audience's digest.
With MAIL_COALESCE_SECONDS = 0 the mail is queued at once, in the same transaction.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.jobs import enqueue, handler
from portal.links import public_url
from portal.mail.outbox import AUTO_GENERATED, queue_mail
from portal.mail.threads import case_subject
from portal.models import Case, CaseNotice, User
from portal.models.types import utcnow

NOTICE_JOB = "mail.case_notices"
CUSTOMER, STAFF = "customer", "staff"
DIGEST_TEMPLATES = {CUSTOMER: "cases_activity", STAFF: "cases_staff_digest"}


def coalesce_window() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("MAIL_COALESCE_SECONDS") or 0))


def replies_by_mail() -> bool:
    """Whether answering a mail reaches the portal: IMAP is configured, or an operator says
    an MTA pipes mail to `mail receive` (MAIL_REPLIES_ENABLED)."""
    config = current_app.config
    setting = config.get("MAIL_REPLIES_ENABLED")
    if setting is None:
        return bool(config.get("MAIL_IMAP_HOST"))
    if isinstance(setting, str):
        return setting.strip().lower() in {"1", "true", "yes", "on"}
    return bool(setting)


def case_link(case: Case) -> str:
    return public_url("cases.show", number=case.number)


def add_notice(
    case: Case,
    recipient: User,
    headline: str,
    *,
    audience: str = CUSTOMER,
    template: str | None = None,
    subject: str | None = None,
    details: str = "",
    markdown: str | None = None,
    context: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> CaseNotice:
    """Tell ``recipient`` about ``case``; flushes, never commits.

    ``markdown`` is a person's words (a public reply), kept verbatim in the text part;
    ``details`` is plain text; ``context`` (JSON values) goes to the notice's own template.
    """
    now = now or utcnow()
    context = dict(context or {})
    json.dumps(context)  # fail here, in the caller's request, rather than in the worker
    notice = CaseNotice(
        case_id=case.id,
        recipient_id=recipient.id,
        audience=audience,
        template=template or DIGEST_TEMPLATES[audience],
        subject=(subject or case_subject(case))[:300],
        headline=" ".join(headline.split())[:300],
        details=details or "",
        markdown=markdown,
        context=context,
        created_at=now,
    )
    db.session.add(notice)
    db.session.flush()
    window = coalesce_window()
    if window <= timedelta(0):
        send_pending(case.id, recipient.id)
        return notice
    oldest = db.session.scalar(
        select(func.min(CaseNotice.created_at)).where(*_pending(case.id, recipient.id))
    )
    enqueue(
        NOTICE_JOB,
        {"case_id": case.id, "recipient_id": recipient.id},
        run_at=(oldest or now) + window,
        max_attempts=20,
    )
    return notice


def _pending(case_id: int, recipient_id: int) -> list[Any]:
    return [
        CaseNotice.case_id == case_id,
        CaseNotice.recipient_id == recipient_id,
        CaseNotice.batch.is_(None),
    ]


@handler(NOTICE_JOB)
def send_notices(payload: dict[str, Any], now: datetime) -> None:
    """The coalescing job: one mail with every pending notice (nothing if another job took
    them first)."""
    send_pending(int(payload["case_id"]), int(payload["recipient_id"]))


def send_pending(case_id: int, recipient_id: int) -> int:
    """Take the pending notices for one case and person and queue their mail; returns how
    many notices it carries (0 when none were pending)."""
    batch = uuid.uuid4().hex
    taken = db.session.execute(
        update(CaseNotice)
        .where(*_pending(case_id, recipient_id))
        .values(batch=batch)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        return 0
    notices = list(
        db.session.scalars(
            select(CaseNotice).where(CaseNotice.batch == batch).order_by(CaseNotice.id)
        )
    )
    case = db.session.get(Case, case_id)
    recipient = db.session.get(User, recipient_id)
    if case is None or recipient is None or not recipient.active:
        return 0
    mail = _queue(case, recipient, notices)
    for notice in notices:
        notice.mail_id = mail.id
    db.session.flush()
    return len(notices)


def _queue(case: Case, recipient: User, notices: list[CaseNotice]) -> Any:
    first = notices[0]
    audience = first.audience
    single = len(notices) == 1
    template = first.template if single else DIGEST_TEMPLATES[audience]
    if audience == CUSTOMER:
        subject = case_subject(case)
    elif single:
        subject = first.subject
    else:
        subject = f"[{len(notices)} alerts] Case {case.number}: " + "; ".join(
            n.headline for n in notices
        )
    context: dict[str, Any] = dict(first.context) if single else {}
    # A mail carrying a person's words is a reply, not automatic mail (RFC 3834).
    automatic = not any(n.markdown for n in notices)
    return queue_mail(
        recipient.email,
        template,
        subject=subject[:250],
        thread=case,
        auto_submitted=AUTO_GENERATED if automatic else None,
        case=case,
        user=recipient,
        notices=notices,
        headline=first.headline,
        details=first.details,
        case_link=case_link(case),
        replies_by_mail=replies_by_mail(),
        **context,
    )
