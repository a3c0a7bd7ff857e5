"""Where delivered mail goes: `.eml` files for development, SMTP for production."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

from portal.mail.headers import header_text
from portal.models import OutgoingMail

UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._@-]")
HEADER_POLICY = policy.default.clone(max_line_length=998)


class MailConfigError(RuntimeError):
    """The mail settings cannot work, e.g. an unknown MAIL_BACKEND."""


class MailBackend(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    """The RFC 5322 message for an outbox row: text, plus an HTML alternative when present."""
    # Lines may run to RFC 5322's 998 characters: with the default 78, a long unbroken header
    # value such as List-Unsubscribe's <https://…/token> would be folded into an RFC 2047
    # encoded word that no mail client reads as a link.
    # Every value made one line again: a row queued before that rule must still be sendable.
    message = EmailMessage(policy=HEADER_POLICY)
    message["From"] = header_text(sender)
    message["To"] = header_text(mail.recipient)
    message["Subject"] = header_text(mail.subject)
    message["Message-ID"] = header_text(mail.message_id)
    # The date the message was written, so every retry produces the same message.
    message["Date"] = format_datetime(mail.created_at)
    for name, value in (mail.headers or {}).items():
        message[header_text(name)] = header_text(value)
    message.set_content(mail.text_body)
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    return message


class FileBackend:
    """Writes each message to `<directory>/<timestamp>-<message-id>.eml`, at most once."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path_for(self, message: EmailMessage) -> Path:
        stamp = parsedate_to_datetime(str(message["Date"])).strftime("%Y%m%dT%H%M%S")
        safe_id = UNSAFE_FILENAME_CHARACTERS.sub("_", str(message["Message-ID"]).strip("<>"))
        return self.directory / f"{stamp}-{safe_id}.eml"

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(message)
        if path.exists():
            return
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes())
                handle.flush()
                os.fsync(handle.fileno())
            # link() never replaces an existing file, so two senders cannot both deliver.
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)


class SmtpBackend:
    """Sends through an SMTP server; any failure raises so the job is retried."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.use_tls = use_tls
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as connection:
            if self.use_tls:
                connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password or "")
            connection.send_message(message)


def backend_from_config(config: Mapping[str, Any]) -> MailBackend:
    """The backend named by MAIL_BACKEND, configured from the MAIL_* settings."""
    name = str(config.get("MAIL_BACKEND", "file")).lower()
    if name == "file":
        return FileBackend(config["MAIL_DIR"])
    if name == "smtp":
        return SmtpBackend(
            host=config.get("MAIL_SERVER", "localhost"),
            port=int(config.get("MAIL_PORT", 25)),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            use_tls=_flag(config.get("MAIL_USE_TLS", False)),
            timeout=float(config.get("MAIL_TIMEOUT", 30)),
        )
    raise MailConfigError(f"MAIL_BACKEND must be 'file' or 'smtp', not {name!r}")


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
