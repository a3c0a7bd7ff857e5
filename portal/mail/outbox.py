"""Rendering a message into the outbox and queueing its delivery, in the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, render_template
from jinja2 import TemplateNotFound

from portal.extensions import db
from portal.jobs import enqueue
from portal.links import public_url
from portal.mail.headers import header_text
from portal.mail.links import sender_domain
from portal.mail.threads import thread_root
from portal.models import Case, OutgoingMail

SEND_JOB = "mail.send"
# Retries wait 30 s, 1 min, 2 min … then hourly: a mail server down for nearly three days
# loses nothing. `flask jobs retry --kind mail.send` re-sends after a longer outage.
SEND_ATTEMPTS = 72
AUTO_GENERATED = "auto-generated"
AUTO_REPLIED = "auto-replied"
# Like Request Tracker's X-RT-Loop-Prevention: mail that comes back carrying it is our own.
LOOP_HEADER = "X-Portal-Loop"


def queue_mail(
    to: str,
    template: str,
    *,
    subject: str,
    headers: dict[str, str] | None = None,
    thread: Case | None = None,
    message_id: str | None = None,
    auto_submitted: str | None = AUTO_GENERATED,
    **context: Any,
) -> OutgoingMail:
    """Render `templates/mail/<template>.txt` (and `.html` if present) and queue it for `to`.

    Writes the OutgoingMail row and its `mail.send` job; flushes, never commits, so the
    message is sent only if the change it reports is saved. `headers` are extra headers
    such as List-Unsubscribe. `thread` is the case the mail is about: the mail then refers
    to the case's thread root (In-Reply-To, References) and a reply to it finds the case.
    `auto_submitted` is the RFC 3834 value (None for a mail carrying a person's words).
    Templates get `context`; every link ``url_for(..., _external=True)`` builds points at
    BASE_URL, never at the request's host.
    """
    to = _single_address(to)
    # People's text ends up in these (a case subject, a vendor's name): one line, always.
    subject = header_text(subject)
    all_headers = {header_text(name): header_text(value) for name, value in (headers or {}).items()}
    if auto_submitted:
        all_headers["Auto-Submitted"] = auto_submitted
    # Ask Exchange and others not to answer with out-of-office notes, and mark our own mail
    # so that it is recognised if it ever comes back to the portal's mailbox.
    all_headers.setdefault("X-Auto-Response-Suppress", "OOF, AutoReply")
    all_headers[LOOP_HEADER] = sender_domain()
    own_id = message_id or new_message_id()
    if thread is not None:
        root = thread_root(thread)
        if own_id != root:
            all_headers["In-Reply-To"] = root
            all_headers["References"] = root
    text_body, html_body = render_bodies(template, **context)
    mail = OutgoingMail(
        message_id=own_id,
        recipient=to,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        headers=all_headers,
        template=template,
        status="queued",
        case_id=thread.id if thread is not None else None,
    )
    db.session.add(mail)
    db.session.flush()
    job = enqueue(SEND_JOB, {"mail_id": mail.id}, max_attempts=SEND_ATTEMPTS)
    mail.job_id = job.id
    db.session.flush()
    return mail


def render_bodies(template: str, **context: Any) -> tuple[str, str | None]:
    """The text body and, when `mail/<template>.html` exists, the HTML body.

    `url_for` in mail templates builds from BASE_URL alone, in a request or not.
    """
    context.setdefault("url_for", public_url)
    text_body = render_template(f"mail/{template}.txt", **context)
    html_name = f"mail/{template}.html"
    try:
        current_app.jinja_env.get_template(html_name)
    except TemplateNotFound as exc:
        if exc.name != html_name:
            raise
        return text_body, None
    return text_body, render_template(html_name, **context)


def _single_address(to: str) -> str:
    # A recipient is one stored address, never text: anything more could add recipients.
    address = to.strip()
    if not address or any(ch.isspace() or not ch.isprintable() or ch in ",;" for ch in address):
        raise ValueError(f"mail recipient {address[:80]!r} must be one address without line breaks")
    return address


def new_message_id() -> str:
    """A globally unique Message-ID in the sender's domain, e.g. <hex@support.example.com>."""
    return f"<{uuid.uuid4().hex}@{sender_domain()}>"
