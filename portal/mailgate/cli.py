"""`flask mail receive` (an MTA pipe: one message on standard input) and `flask mail fetch`."""

from __future__ import annotations

import imaplib
import logging
import sys
from typing import BinaryIO

import click
from flask.cli import AppGroup

from portal.mailgate.gateway import HEADER_BYTES, deliver, max_message_bytes

log = logging.getLogger(__name__)
mail_cli = AppGroup("mail", help="Receive mail: replies to cases, and mail for staff to review.")

# sysexits.h: an MTA retries a delivery that exits with EX_TEMPFAIL and bounces on others.
EX_TEMPFAIL = 75
CHUNK = 1024 * 1024


def read_capped(stream: BinaryIO, limit: int) -> tuple[bytes, int]:
    """Up to ``limit`` bytes of ``stream`` and its full size; the rest is read and dropped,
    so an MTA writing a huge message to the pipe never sees it broken."""
    kept = bytearray()
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if len(kept) <= limit:
            kept += chunk[: limit + 1 - len(kept)]
    return bytes(kept), size


@mail_cli.command("receive")
def receive_command() -> None:
    """Read one RFC 5322 message on standard input and file it.

    Exits 0 once the message is stored (filed on a case, answered, or kept for staff with
    the reason), and 75 (temporary failure, the MTA tries again) when it could not be stored.
    """
    limit = max_message_bytes()
    raw, size = read_capped(sys.stdin.buffer, limit)
    if size > limit:
        raw = raw[:HEADER_BYTES]
    try:
        outcome = deliver(raw, size=size)
    except Exception as error:  # the database is down, say: let the MTA retry
        log.exception("mail receive failed")
        click.echo(f"Not stored, try again later: {type(error).__name__}: {error}", err=True)
        sys.exit(EX_TEMPFAIL)
    click.echo(outcome.summary())


@mail_cli.command("fetch")
def fetch_command() -> None:
    """Collect new messages from the IMAP mailbox (PORTAL_MAIL_IMAP_*) and file each."""
    from imap_tools.errors import MailboxLoginError

    from portal.mailgate.imap import fetch_mailbox, imap_configured

    if not imap_configured():
        raise click.UsageError("Set PORTAL_MAIL_IMAP_HOST (and _USERNAME, _PASSWORD) first.")
    try:
        report = fetch_mailbox()
    except (OSError, imaplib.IMAP4.error, MailboxLoginError) as error:
        raise click.ClickException(f"Could not read the IMAP mailbox: {error}") from error
    for outcome in report.outcomes:
        click.echo(outcome.summary())
    click.echo(report.summary())
