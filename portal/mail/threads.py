"""Case mail threads: one stable, unguessable root Message-ID per case.

Every case mail names the root in In-Reply-To and References, so Gmail, Outlook and
Thunderbird show a case as one conversation, and a reply quoting any of them finds its case
again. The root is derived from the case and the app's secret (an HMAC), so it needs no
storage and cannot be guessed from a case number; each mail's own Message-ID is random and
recorded with its case in the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.mail.links import sender_domain
from portal.models import Case, OutgoingMail

_ROOT = re.compile(r"^<?case-(\d{1,20})\.([0-9a-f]{24})@([^>\s]+)>?$", re.IGNORECASE)
MESSAGE_ID = re.compile(r"<[^<>\s]{1,400}>")


def _digest(number: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"case-thread:{number}".encode(), hashlib.sha256).hexdigest()[:24]


def thread_root(case: Case) -> str:
    """The Message-ID every mail about ``case`` refers to; the acknowledgement carries it."""
    return f"<case-{case.number}.{_digest(case.number)}@{sender_domain()}>"


def case_for_message_id(message_id: str) -> Case | None:
    """The case a Message-ID belongs to: a valid thread root, or a case mail we sent."""
    message_id = message_id.strip()
    found = _ROOT.match(message_id)
    if found:
        number, digest = found.group(1), found.group(2).lower()
        if hmac.compare_digest(digest, _digest(number)):
            return db.session.scalar(select(Case).where(Case.number == number))
        return None
    case_id = db.session.scalar(
        select(OutgoingMail.case_id).where(OutgoingMail.message_id == message_id[:200])
    )
    return db.session.get(Case, case_id) if case_id else None


def is_our_message_id(message_id: str) -> bool:
    """True for a Message-ID the portal sent (any mail, with or without a case)."""
    if _ROOT.match(message_id.strip()):
        return True
    return (
        db.session.scalar(
            select(OutgoingMail.id).where(OutgoingMail.message_id == message_id.strip()[:200])
        )
        is not None
    )


def message_ids(value: str | None) -> list[str]:
    """The Message-IDs in an In-Reply-To or References header, in order."""
    return MESSAGE_ID.findall(value or "")


def case_subject(case: Case) -> str:
    """The subject every customer mail about ``case`` carries, so clients keep one thread."""
    return f"[Case {case.number}] {one_line(case.subject)}"[:250]


def one_line(text: str) -> str:
    """A header value from people's text: line breaks and runs of spaces become one space."""
    return " ".join((text or "").split())
