from __future__ import annotations

import email
from datetime import datetime, timedelta
from email import policy
from pathlib import Path
from types import SimpleNamespace

from flask import Flask

from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.mail import queue_mail
from portal.mail.backends import FileBackend, build_message
from portal.models import Job, OutgoingMail
from portal.models.types import utcnow


def _soon(seconds: int = 1) -> datetime:
    """A pass just after now, so the mail queued a moment ago is due."""
    return utcnow() + timedelta(seconds=seconds)


def _eml_files(app: Flask) -> list[Path]:
    return sorted(Path(app.config["MAIL_DIR"]).glob("*.eml"))


def _queue(app: Flask, **headers: str) -> OutgoingMail:
    mail = queue_mail(
        "sam@example.com",
        "password_reset",
        subject="Reset your support portal password",
        headers=headers or None,
        user=SimpleNamespace(name="Sam Someone"),
        reset_url="http://portal.test/reset-password/abc123",
        expires_minutes=60,
    )
    db.session.commit()
    return mail


def test_the_file_backend_writes_one_eml_with_text_and_html_parts(app):
    mail_id = _queue(app, **{"List-Unsubscribe": "<http://portal.test/unsubscribe/x>"}).id
    at = _soon()

    report = run_pass(now=at)

    assert report.jobs_done == 1
    [path] = _eml_files(app)
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    mail = db.session.get(OutgoingMail, mail_id)
    assert mail is not None and mail.status == "sent" and mail.sent_at == at
    assert path.name.endswith(mail.message_id.strip("<>") + ".eml")
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"] == "Contoso Virtualisation Support <support@support.example.com>"
    assert message["To"] == "sam@example.com"
    assert message["Subject"] == "Reset your support portal password"
    assert message["Message-ID"] == mail.message_id
    assert message["Date"].datetime == mail.created_at.replace(microsecond=0)
    assert message["List-Unsubscribe"] == "<http://portal.test/unsubscribe/x>"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and "Hello Sam Someone," in text.get_content()
    assert html is not None and "Choose a new password" in html.get_content()
    assert list(Path(app.config["MAIL_DIR"]).glob(".*.tmp")) == []


def test_running_the_pass_again_never_writes_the_mail_twice(app):
    mail_id = _queue(app).id
    run_pass(now=_soon())
    first = _eml_files(app)

    # Even a second job for the same row (say, re-enqueued by hand) must not resend it.
    from portal.jobs import enqueue

    enqueue("mail.send", {"mail_id": mail_id})
    db.session.commit()
    second_report = run_pass(now=_soon(60))

    assert second_report.jobs_done == 1
    assert _eml_files(app) == first and len(first) == 1


def test_the_file_backend_does_not_rewrite_a_message_already_on_disk(app, tmp_path):
    mail = _queue(app)
    message = build_message(mail, app.config["MAIL_SENDER"])
    backend = FileBackend(tmp_path / "outbox")

    backend.send(message)
    path = backend.path_for(message)
    path.write_text("already delivered")
    backend.send(message)

    assert path.read_text() == "already delivered"
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == [path.name]


def test_a_text_only_mail_is_a_single_plain_part(mail_templates):
    queue_mail("sam@example.com", "test_text_only", subject="Hi", name="Sam", case_url="/c/1")
    db.session.commit()

    run_pass(now=_soon())

    [path] = _eml_files(mail_templates)
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message.get_content_type() == "text/plain"
    assert message.get_content().strip() == "Hello Sam, your case is /c/1."


def test_an_unknown_mail_backend_fails_at_send_time_and_keeps_the_mail(app):
    app.config["MAIL_BACKEND"] = "pigeon"
    mail_id = _queue(app).id

    run_pass(now=_soon())

    mail = db.session.get(OutgoingMail, mail_id)
    assert mail is not None and mail.status == "queued"
    job = db.session.get(Job, mail.job_id)
    assert job is not None and job.status == "pending" and job.attempts == 1
    assert "MAIL_BACKEND must be 'file' or 'smtp', not 'pigeon'" in (job.last_error or "")
