from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from flask import Flask

from portal.extensions import db
from portal.jobs.runner import backoff, run_pass
from portal.mail import queue_mail
from portal.models import Job, OutgoingMail
from portal.models.types import utcnow


@pytest.fixture
def smtp_app(app: Flask, smtp_sink) -> Flask:  # noqa: ANN001 - the conftest SmtpSink
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER=smtp_sink.host, MAIL_PORT=smtp_sink.port)
    return app


def _queue() -> int:
    mail = queue_mail(
        "sam@example.com",
        "password_reset",
        subject="Reset your support portal password",
        user=SimpleNamespace(name="Sam Someone"),
        reset_url="http://portal.test/reset-password/abc123",
        expires_minutes=60,
    )
    db.session.commit()
    return mail.id


def _soon(seconds: float = 1) -> datetime:
    return utcnow() + timedelta(seconds=seconds)


def test_the_smtp_backend_delivers_exactly_one_message(smtp_app, smtp_sink):
    mail_id = _queue()

    run_pass(now=_soon())
    run_pass(now=_soon(3600))

    [message] = smtp_sink.messages
    mail = db.session.get(OutgoingMail, mail_id)
    assert mail is not None and mail.status == "sent"
    assert message["Message-ID"] == mail.message_id
    assert message["To"] == "sam@example.com"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    assert text is not None and "reset-password/abc123" in text.get_content()


def test_mail_queued_while_the_server_is_down_is_delivered_once_it_is_back(smtp_app, smtp_sink):
    smtp_sink.stop()
    mail_id = _queue()
    first_try = _soon()

    report = run_pass(now=first_try)

    mail = db.session.get(OutgoingMail, mail_id)
    assert mail is not None and mail.status == "queued" and mail.sent_at is None
    job = db.session.get(Job, mail.job_id)
    assert report.jobs_retrying == 1
    assert job is not None and job.status == "pending" and job.attempts == 1
    assert job.run_at == first_try + backoff(1)
    assert job.last_error and job.last_error.startswith("ConnectionRefusedError")

    smtp_sink.start()
    retry = first_try + backoff(1)
    assert run_pass(now=retry).jobs_done == 1
    run_pass(now=retry + timedelta(hours=2))

    assert len(smtp_sink.messages) == 1
    db.session.expire_all()
    mail = db.session.get(OutgoingMail, mail_id)
    assert mail is not None and mail.status == "sent" and mail.sent_at == retry
    assert smtp_sink.messages[0]["Message-ID"] == mail.message_id


def test_a_two_day_outage_loses_no_mail_and_retry_revives_what_gave_up(smtp_app, smtp_sink):
    smtp_sink.stop()
    mail_id = _queue()
    moment = _soon()
    job_id = db.session.get(OutgoingMail, mail_id).job_id
    while moment < _soon() + timedelta(days=2):
        run_pass(now=moment)
        db.session.expire_all()
        moment = db.session.get(Job, job_id).run_at
    job = db.session.get(Job, job_id)
    assert job.status == "pending", "the mail job gave up during a two-day outage"

    job.status, job.attempts = "failed", job.max_attempts  # as if the outage lasted longer
    db.session.commit()
    result = smtp_app.test_cli_runner().invoke(args=["jobs", "retry", "--kind", "mail.send"])
    assert "1 failed job queued again." in result.output
    smtp_sink.start()
    db.session.expire_all()
    assert run_pass(now=db.session.get(Job, job_id).run_at).jobs_done == 1
    assert len(smtp_sink.messages) == 1
    assert db.session.get(OutgoingMail, mail_id).status == "sent"
