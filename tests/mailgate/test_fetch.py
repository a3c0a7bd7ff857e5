"""`flask mail fetch` and the worker's fetch against a real IMAP server (dovecot)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.cases import conversation
from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.mailgate import imap
from portal.models import CaseMessage
from tests.mail.conftest import FILED
from tests.mailgate import imap_server, messages
from tests.mailgate.conftest import last_case_mail, received
from tests.mailgate.imap_server import DovecotServer

REQUIRE_IMAP = os.environ.get("PORTAL_REQUIRE_IMAP") == "1"


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    if not imap_server.available():
        if REQUIRE_IMAP:
            pytest.fail(
                "PORTAL_REQUIRE_IMAP=1 but dovecot is missing (apt-get install dovecot-imapd)"
            )
        pytest.skip("no IMAP server: install Debian's dovecot-imapd to run the mail fetch tests")
    server = DovecotServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def imap_app(app, dovecot: DovecotServer):  # noqa: ANN001, ANN201
    app.config.update(
        MAIL_IMAP_HOST=dovecot.host,
        MAIL_IMAP_PORT=dovecot.port,
        MAIL_IMAP_USERNAME=dovecot.username,
        MAIL_IMAP_PASSWORD=dovecot.password,
        MAIL_IMAP_FOLDER="INBOX",
        MAIL_IMAP_USE_TLS=False,
    )
    imap._last_fetch.clear()
    return app


def _case_messages(case) -> list[str]:  # noqa: ANN001
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CaseMessage.body).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
        )
    )


def test_mail_fetch_files_replies_and_records_the_rest(imap_app, dovecot, case, customer, tse):
    conversation.post_message(case, tse, "Please send the log.", now=FILED + timedelta(hours=1))
    db.session.commit()
    answered = last_case_mail(case)
    dovecot.deliver(messages.gmail_reply(customer.email, answered.message_id, "Re: x", "Sent."))
    dovecot.deliver(
        messages.apple_mail_with_inline_image(customer.email, answered.message_id, "Re: x")
    )
    dovecot.deliver(messages.delivery_failure(answered.message_id))
    dovecot.deliver(messages.base64_plain("nobody@elsewhere.example", "Hello", "x"))

    result = imap_app.test_cli_runner().invoke(args=["mail", "fetch"])

    assert result.exit_code == 0, result.output + dovecot.log()
    assert "Fetched 4 message(s): 2 filed, 2 review" in result.output
    assert _case_messages(case)[1:] == [
        "Sent.",
        "Here is a screenshot of the error dialog and the log from the pool master. "
        "The error started right after we upgraded to 5.0.1 on Monday.",
    ]
    assert dovecot.unseen() == 0  # each flagged \\Seen once its outcome was committed

    again = imap_app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert "Fetched 0 message(s)" in again.output
    assert len(received()) == 4


def test_a_message_fetched_twice_is_stored_once(imap_app, dovecot, case, customer, tse):
    conversation.post_message(case, tse, "Please send the log.", now=FILED + timedelta(hours=1))
    db.session.commit()
    raw = messages.gmail_reply(customer.email, last_case_mail(case).message_id, "Re: x", "Once.")
    dovecot.deliver(raw)
    dovecot.deliver(raw, folder="INBOX")  # the MTA delivered it twice

    report = imap.fetch_mailbox()

    assert [o.status for o in report.outcomes] == ["filed", "dup"]
    assert _case_messages(case).count("Once.") == 1


def test_a_message_over_the_limit_is_never_downloaded(imap_app, dovecot, customer):
    imap_app.config["MAIL_MAX_MESSAGE_BYTES"] = 50_000
    dovecot.deliver(messages.base64_plain(customer.email, "Big", "x" * 200_000))

    report = imap.fetch_mailbox()

    [outcome] = report.outcomes
    assert outcome.code == "too_large"
    [row] = received()
    assert row.raw is None and row.sender == customer.email and row.size > 200_000


def test_the_worker_fetches_about_every_minute_when_imap_is_configured(imap_app, dovecot, customer):
    dovecot.deliver(messages.base64_plain(customer.email, "First", "x"))
    first = run_pass()
    assert first.periodic_work["mail.fetch"] == 1

    dovecot.deliver(messages.base64_plain(customer.email, "Second", "x"))
    assert run_pass().periodic_work["mail.fetch"] == 0  # less than a minute later

    imap._last_fetch[imap_app.name] -= 61
    assert run_pass().periodic_work["mail.fetch"] == 1
    assert [r.subject for r in received()] == ["First", "Second"]


def test_without_imap_settings_the_worker_does_not_fetch_and_the_command_says_why(app):
    assert run_pass().periodic_work["mail.fetch"] == 0
    result = app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code != 0 and "PORTAL_MAIL_IMAP_HOST" in result.output


def test_an_imap_server_that_is_down_is_a_clear_error(app):
    app.config.update(MAIL_IMAP_HOST="127.0.0.1", MAIL_IMAP_PORT=1, MAIL_IMAP_USE_TLS=False)
    result = app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code == 1
    assert "Could not read the IMAP mailbox" in result.output
    imap._last_fetch.clear()
    report = run_pass()
    assert "mail.fetch" in report.periodic_errors
