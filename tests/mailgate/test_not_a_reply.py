"""Mail that is not a reply: one answer to a Support Administrator, everything else recorded
for staff and never answered, so no mail loop can start; bad input never breaks the gate."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy.exc import OperationalError

from portal.cases import conversation
from portal.extensions import db
from portal.models import CaseMessage, IncomingMail, OutgoingMail
from tests.kb.conftest import make_article
from tests.mail.conftest import FILED, outbox
from tests.mailgate import messages
from tests.mailgate.conftest import last_case_mail, pipe, received


def _answers(address: str) -> list[OutgoingMail]:
    return [m for m in outbox(address) if m.template == "mail_no_case"]


def test_a_support_administrators_new_mail_gets_one_answer_with_the_form_and_articles(
    app, customer
):
    make_article()

    result = pipe(
        app,
        messages.base64_plain(customer.email, "Attaching an NFS storage repository fails", "Help"),
    )

    assert result.output.startswith("answered"), result.output
    [answer] = _answers(customer.email)
    assert answer.subject == "Re: Attaching an NFS storage repository fails"
    assert answer.headers["Auto-Submitted"] == "auto-replied"
    assert answer.headers["In-Reply-To"] == received()[0].message_id
    assert "http://portal.test/cases/new" in answer.text_body
    assert "Attaching an NFS storage repository" in answer.text_body
    assert "http://portal.test/kb/nfs-storage-repository" in answer.text_body
    assert answer.case_id is None


def test_an_auto_responder_answering_our_answer_starts_no_loop(app, customer):
    pipe(app, messages.base64_plain(customer.email, "New problem", "Our host is down"))
    # A badly behaved out-of-office robot: no Auto-Submitted, answers everything it gets.
    for _ in range(5):
        [answer] = _answers(customer.email)
        pipe(
            app,
            messages.base64_plain(
                customer.email, f"Re: {answer.subject}", "I am away.", answer.message_id
            ),
        )

    assert len(_answers(customer.email)) == 1
    assert [r.status for r in received()] == ["answered"] + ["review"] * 5
    assert "answers a mail from the portal" in received()[-1].reason


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({"Auto_Submitted": "auto-replied"}, "automatic"),
        ({"Auto_Submitted": "auto-generated"}, "automatic"),
        ({"Precedence": "bulk"}, "bulk"),
        ({"Precedence": "junk"}, "bulk"),
        ({"Precedence": "list"}, "bulk"),
        ({"X_Autoreply": "yes"}, "automatic"),
        ({"X_Auto_Response_Suppress": "All"}, "automatic"),
        ({"List_Id": "<users.lists.example.com>"}, "bulk"),
        ({"X_Portal_Loop": "support.example.com"}, "loop"),
    ],
)
def test_automatic_mail_on_a_real_thread_is_recorded_and_never_answered(
    app, case, customer, tse, headers, code
):
    conversation.post_message(case, tse, "Try this.", now=FILED + timedelta(hours=1))
    db.session.commit()
    answered = last_case_mail(case)
    sent_before = db.session.query(OutgoingMail).count()

    result = pipe(
        app,
        messages.base64_plain(
            customer.email, "Out of office", "Away", answered.message_id, **headers
        ),
    )

    assert result.exit_code == 0 and result.output.startswith("review")
    [row] = received()
    assert row.reason_code == code and "Never answered" in row.reason
    assert db.session.query(CaseMessage).filter_by(case_id=case.id).count() == 1
    assert db.session.query(OutgoingMail).count() == sent_before


def test_auto_submitted_no_is_a_person(app, customer):
    result = pipe(app, messages.base64_plain(customer.email, "Hi", "x", Auto_Submitted="no"))
    assert result.output.startswith("answered")


def test_a_bounce_is_recorded_and_never_answered(app, case, customer):
    result = pipe(app, messages.delivery_failure(last_case_mail(case).message_id))

    assert result.output.startswith("review")
    assert received()[0].reason_code in {"automatic", "bounce"}
    assert _answers("mailer-daemon@mx.gold.example.com") == []


def test_mail_from_our_own_address_is_a_loop(app):
    result = pipe(app, messages.base64_plain("support@support.example.com", "Hi", "x"))
    assert result.output.startswith("review") and received()[0].reason_code == "loop"


def test_an_unknown_sender_is_recorded_and_not_answered(app):
    result = pipe(app, messages.base64_plain("someone@elsewhere.example", "Quote please", "x"))

    assert result.output.startswith("review")
    assert received()[0].reason_code == "unknown_sender"
    assert db.session.query(OutgoingMail).count() == 0


def test_answers_by_mail_are_limited_per_sender_per_day(app, customer):
    for n in range(4):
        pipe(app, messages.base64_plain(customer.email, f"Question {n}", "x"))

    assert len(_answers(customer.email)) == 3
    assert received()[-1].reason_code == "rate_limited"


def test_a_subject_with_an_encoded_line_break_cannot_inject_a_header(app, customer):
    subject = "=?utf-8?q?Help=0D=0ABcc:_everyone@example.com?="

    result = pipe(app, messages.base64_plain(customer.email, subject, "x"))

    assert result.exit_code == 0
    [answer] = _answers(customer.email)
    assert "\n" not in answer.subject and "\r" not in answer.subject
    assert "Bcc" not in answer.headers
    assert received()[0].subject == "Help Bcc: everyone@example.com"


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xff\xfe garbage that is not a mail at all \x00",
        b"",
        b"From: admin@gold.example.com\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n"
        b"--zz\r\nContent-Type: text/plain; charset=no-such-charset\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n",
        b"From: =?utf-8?b?broken <admin@gold.example.com\r\nSubject: =?x?q?\r\n"
        b"Message-ID: <<<>>>\r\nIn-Reply-To: <unclosed\r\n\r\nbody",
    ],
)
def test_malformed_mime_is_stored_with_a_reason_never_a_crash(app, customer, raw):
    result = pipe(app, raw)

    assert result.exit_code == 0, result.output
    [row] = received()
    assert row.status in {"review", "answered"} and row.reason


def test_a_60_mb_message_is_refused_without_keeping_it(app, case, customer, tse):
    conversation.post_message(case, tse, "Send the dump.", now=FILED + timedelta(hours=1))
    db.session.commit()
    head = messages.base64_plain(
        customer.email, "Re: dump", "here", last_case_mail(case).message_id
    )
    raw = head + b"A" * (60 * 1024 * 1024)

    result = pipe(app, raw)

    assert result.exit_code == 0
    assert result.output.startswith("review") and "larger than the 30 MB limit" in result.output
    [row] = received()
    assert row.raw is None and row.size == len(raw) and row.sender == customer.email
    assert db.session.query(CaseMessage).filter_by(case_id=case.id).count() == 1


def test_a_database_outage_asks_the_mta_to_try_again(app, monkeypatch):
    from portal.mailgate import cli

    def down(raw: bytes, **kwargs: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(cli, "deliver", down)
    result = pipe(app, messages.base64_plain("a@example.com", "Hi", "x"))
    assert result.exit_code == 75
    assert db.session.query(IncomingMail).count() == 0


def test_the_answer_reads_right_in_a_mail_client(app, customer):
    from tests.mail.conftest import deliver_queued, delivered

    pipe(app, messages.base64_plain(customer.email, "Licence question", "x"))
    deliver_queued()

    [message] = delivered(app)
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["In-Reply-To"] and message["References"]
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert "http://portal.test/cases/new" in parsed.get_body(("plain",)).get_content()
    assert 'href="http://portal.test/cases/new"' in parsed.get_body(("html",)).get_content()
