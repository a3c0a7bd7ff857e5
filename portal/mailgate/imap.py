"""`mail fetch`: collect new messages from the IMAP mailbox and file each as `mail receive`
does; a `jobs worker` runs it every MAIL_FETCH_SECONDS when MAIL_IMAP_HOST is set.

Messages are read without marking them (BODY.PEEK) and flagged \\Seen only once their
outcome is committed, so a crash or a database outage leaves them for the next fetch; the
gateway stores each Message-ID once, so a message fetched twice (two workers, a retry) adds
nothing. A message over MAIL_MAX_MESSAGE_BYTES is never downloaded: its headers are
recorded for staff with the reason.
"""

from __future__ import annotations

import logging
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessageFlags
from imap_tools.message import MailMessage

from portal.jobs import periodic
from portal.mailgate.gateway import Outcome, deliver, max_message_bytes

log = logging.getLogger(__name__)
HEADS_PER_FETCH = 200
_last_fetch: dict[str, float] = {}


class _RawMessage(MailMessage):
    """imap-tools' message, keeping the bytes as the server sent them."""

    def __init__(self, fetch_data: list) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]


@dataclass
class FetchReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def received(self) -> int:
        return len(self.outcomes)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        detail = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return f"Fetched {self.received} message(s)" + (f": {detail}" if detail else "")


def imap_configured() -> bool:
    return bool(current_app.config.get("MAIL_IMAP_HOST"))


def _connect() -> Any:
    config = current_app.config
    host = str(config["MAIL_IMAP_HOST"])
    port = int(config.get("MAIL_IMAP_PORT") or 993)
    timeout = float(config.get("MAIL_TIMEOUT") or 30)
    mode = str(config.get("MAIL_IMAP_USE_TLS", True)).strip().lower()
    if mode == "starttls":
        return MailBoxStartTls(
            host, port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    if mode in {"0", "false", "no", "off"}:
        return MailBoxUnencrypted(host, port, timeout=timeout)
    return MailBox(host, port, timeout=timeout, ssl_context=ssl.create_default_context())


def fetch_mailbox(now: datetime | None = None) -> FetchReport:
    """File every unseen message of MAIL_IMAP_FOLDER; each commits on its own."""
    config = current_app.config
    report = FetchReport()
    limit = max_message_bytes()
    mailbox = _connect()
    mailbox.email_message_class = _RawMessage
    folder = str(config.get("MAIL_IMAP_FOLDER") or "INBOX")
    with mailbox.login(
        str(config.get("MAIL_IMAP_USERNAME") or ""),
        str(config.get("MAIL_IMAP_PASSWORD") or ""),
        initial_folder=folder,
    ):
        heads = list(
            mailbox.fetch(
                AND(seen=False),
                mark_seen=False,
                headers_only=True,
                limit=HEADS_PER_FETCH,
                bulk=50,
            )
        )
        for head in heads:
            if not head.uid:
                continue
            if head.size_rfc822 > limit:
                outcome = deliver(head.raw, size=head.size_rfc822, now=now)
            else:
                found = list(mailbox.fetch(uid_list=[head.uid], mark_seen=False))
                if not found:
                    continue  # expunged meanwhile
                outcome = deliver(found[0].raw, now=now)
            mailbox.flag(head.uid, MailMessageFlags.SEEN, True)
            report.outcomes.append(outcome)
    return report


@periodic("mail.fetch")
def fetch_every_minute(now: datetime) -> int:
    """The worker's fetch: at most every MAIL_FETCH_SECONDS per process, only with IMAP set."""
    if not imap_configured():
        return 0
    interval = float(current_app.config.get("MAIL_FETCH_SECONDS") or 60)
    last = _last_fetch.get(current_app.name)
    if last is not None and time.monotonic() - last < interval:
        return 0
    _last_fetch[current_app.name] = time.monotonic()
    report = fetch_mailbox()
    if report.received:
        log.info("mail fetch: %s", report.summary())
    return report.received
