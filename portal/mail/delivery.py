"""The `mail.send` job: deliver one outbox row, exactly once as far as the outbox knows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from portal.extensions import db
from portal.jobs import PermanentJobError, handler
from portal.mail.backends import backend_from_config, build_message
from portal.mail.outbox import SEND_JOB
from portal.models import OutgoingMail


@handler(SEND_JOB)
def send_mail(payload: dict[str, Any], now: datetime) -> None:
    """Send the OutgoingMail named by payload['mail_id'] unless it was sent already.

    A failed send raises, so the runner retries with backoff and the row stays queued.
    """
    mail = db.session.get(OutgoingMail, payload["mail_id"])
    if mail is None:
        raise PermanentJobError(f"outgoing mail {payload['mail_id']} does not exist")
    if mail.status == "sent":
        return
    backend = backend_from_config(current_app.config)
    try:
        message = build_message(mail, current_app.config["MAIL_SENDER"])
        message.as_bytes()  # what cannot be serialised now never will be: do not retry it
    except (ValueError, UnicodeError) as error:
        raise PermanentJobError(f"outgoing mail {mail.id} cannot be built: {error}") from error
    backend.send(message)
    mail.status = "sent"
    mail.sent_at = now
    db.session.flush()
