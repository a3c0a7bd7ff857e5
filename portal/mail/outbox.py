"""Rendering a message into the outbox and queueing its delivery, in the caller's transaction."""

from __future__ import annotations

import uuid
from email.utils import parseaddr
from typing import Any

from flask import current_app, has_request_context, render_template
from jinja2 import TemplateNotFound

from portal.extensions import db
from portal.jobs import enqueue
from portal.models import OutgoingMail

SEND_JOB = "mail.send"
# Retries wait 30 s, 1 min, 2 min … then hourly: a mail server down for nearly three days
# loses nothing. `flask jobs retry --kind mail.send` re-sends after a longer outage.
SEND_ATTEMPTS = 72


def queue_mail(
    to: str,
    template: str,
    *,
    subject: str,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> OutgoingMail:
    """Render `templates/mail/<template>.txt` (and `.html` if present) and queue it for `to`.

    Writes the OutgoingMail row and its `mail.send` job; flushes, never commits, so the
    message is sent only if the change it reports is saved. `headers` are extra headers
    such as List-Unsubscribe. Templates get `context`; outside a request, links built with
    ``url_for(..., _external=True)`` point at the BASE_URL setting.
    """
    _check_header_value("recipient", to)
    _check_header_value("subject", subject)
    for name, value in (headers or {}).items():
        _check_header_value(f"header {name}", f"{name}{value}")
    text_body, html_body = render_bodies(template, **context)
    mail = OutgoingMail(
        message_id=new_message_id(),
        recipient=to.strip(),
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        headers=dict(headers or {}),
        template=template,
        status="queued",
    )
    db.session.add(mail)
    db.session.flush()
    job = enqueue(SEND_JOB, {"mail_id": mail.id}, max_attempts=SEND_ATTEMPTS)
    mail.job_id = job.id
    db.session.flush()
    return mail


def render_bodies(template: str, **context: Any) -> tuple[str, str | None]:
    """The text body and, when `mail/<template>.html` exists, the HTML body."""
    if has_request_context():
        return _render(template, context)
    # A job or CLI command has no request, and url_for needs one to know the site's address.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return _render(template, context)


def _render(template: str, context: dict[str, Any]) -> tuple[str, str | None]:
    text_body = render_template(f"mail/{template}.txt", **context)
    html_name = f"mail/{template}.html"
    try:
        current_app.jinja_env.get_template(html_name)
    except TemplateNotFound as exc:
        if exc.name != html_name:
            raise
        return text_body, None
    return text_body, render_template(html_name, **context)


def new_message_id() -> str:
    """A globally unique Message-ID in the sender's domain, e.g. <hex@support.example.com>."""
    return f"<{uuid.uuid4().hex}@{sender_domain()}>"


def sender_domain() -> str:
    address = parseaddr(current_app.config["MAIL_SENDER"])[1]
    return address.rpartition("@")[2] or "localhost"


def _check_header_value(what: str, value: str) -> None:
    # A line break in a header would let a caller's data forge extra headers.
    if "\r" in value or "\n" in value:
        raise ValueError(f"mail {what} must not contain line breaks")
