"""The one answer the portal writes to received mail: to a Support Administrator whose mail
matches no case, pointing at the web form and the KB articles that match its subject
(deflection by mail). It is marked `Auto-Submitted: auto-replied` (RFC 3834), so a
well-behaved responder on the other side stays quiet, and the gateway never answers a reply
to it.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from portal.links import public_url
from portal.mail.outbox import AUTO_REPLIED, queue_mail
from portal.mail.threads import one_line
from portal.mailgate.parsing import ReceivedMail
from portal.models import OutgoingMail, User

log = logging.getLogger(__name__)
ARTICLES = 5


def matching_articles(subject: str) -> list[dict[str, str]]:
    """Up to five KB articles for a subject, as title and full address."""
    try:
        from portal.search import suggest

        hits = suggest(subject, limit=ARTICLES, type="article")
    except Exception:  # a broken index must not stop the answer
        log.exception("KB suggestions for a mail answer failed")
        return []
    base = str(current_app.config["BASE_URL"]).rstrip("/")
    return [
        {"title": hit.title, "url": hit.url if "://" in hit.url else base + hit.url} for hit in hits
    ]


def answer_without_case(sender: User, mail: ReceivedMail) -> OutgoingMail:
    """Queue the answer to ``mail``; flushes, never commits."""
    subject = one_line(mail.subject) or "your email"
    headers: dict[str, Any] = {}
    if mail.message_id:
        headers["In-Reply-To"] = mail.message_id
        headers["References"] = " ".join([*mail.references[-10:], mail.message_id])
    return queue_mail(
        sender.email,
        "mail_no_case",
        subject=("Re: " + subject)[:250],
        headers=headers,
        auto_submitted=AUTO_REPLIED,
        user=sender,
        original_subject=subject,
        articles=matching_articles(subject),
        new_case_url=public_url("cases.new"),
        cases_url=public_url("cases.index"),
    )
