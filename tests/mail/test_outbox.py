from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.mail import queue_mail
from portal.models import Job, OutgoingMail
from tests.conftest import make_user


def _queue_reset_mail(email: str = "sam@example.com") -> OutgoingMail:
    user = make_user(email, name="Sam Someone")
    return queue_mail(
        user.email,
        "password_reset",
        subject="Reset your support portal password",
        user=user,
        reset_url="http://portal.test/reset-password/abc123",
        expires_minutes=60,
    )


def test_queue_mail_renders_both_parts_and_queues_a_send_job(app):
    mail = _queue_reset_mail()

    assert mail.status == "queued" and mail.template == "password_reset"
    assert mail.recipient == "sam@example.com"
    assert "Hello Sam Someone," in mail.text_body
    assert "http://portal.test/reset-password/abc123" in mail.text_body
    assert "expires in 60 minutes" in mail.text_body
    assert "safely ignore this email" in mail.text_body
    assert "<html" not in mail.text_body
    assert mail.html_body is not None
    assert 'href="http://portal.test/reset-password/abc123"' in mail.html_body
    assert "Contoso Virtualisation" in mail.html_body  # the layout's vendor name
    job = db.session.get(Job, mail.job_id)
    assert job is not None and job.kind == "mail.send" and job.payload == {"mail_id": mail.id}


def test_message_ids_are_unique_and_in_the_senders_domain(app):
    first, second = _queue_reset_mail("a@example.com"), _queue_reset_mail("b@example.com")

    assert re.fullmatch(r"<[0-9a-f]{32}@support\.example\.com>", first.message_id)
    assert first.message_id != second.message_id


def test_the_mail_and_its_job_roll_back_with_the_callers_transaction(mail_templates):
    queue_mail("sam@example.com", "test_text_only", subject="Hi", name="Sam", case_url="x")

    db.session.rollback()

    assert db.session.scalars(db.select(OutgoingMail)).all() == []
    assert db.session.scalars(db.select(Job)).all() == []


def test_a_template_without_html_gives_a_text_only_mail(mail_templates):
    mail = queue_mail(
        "sam@example.com", "test_text_only", subject="Hi", name="<Sam>", case_url="/c/1"
    )

    assert mail.text_body == "Hello <Sam>, your case is /c/1."  # text is never HTML-escaped
    assert mail.html_body is None


def test_links_in_mail_rendered_outside_a_request_use_base_url(mail_templates):
    # As in production: no SERVER_NAME, so only BASE_URL can tell url_for the address.
    mail_templates.config.update(SERVER_NAME=None, BASE_URL="https://help.example.org/support")

    mail = queue_mail("sam@example.com", "test_links", subject="Links", name="Home")

    assert mail.text_body == "Home: https://help.example.org/support/"
    assert '<a href="https://help.example.org/support/">Home</a>' in (mail.html_body or "")


def test_links_in_mail_queued_during_a_request_ignore_the_requests_host(mail_templates):
    # A forged Host header must never reach a mailed link: BASE_URL alone decides.
    mail_templates.config.update(SERVER_NAME=None, BASE_URL="https://help.example.org")
    with mail_templates.test_request_context("/reset", base_url="http://evil.example:8080"):
        mail = queue_mail("sam@example.com", "test_links", subject="Links", name="Home")

    assert mail.text_body == "Home: https://help.example.org/"
    assert "evil.example" not in (mail.html_body or "")


def test_a_missing_text_template_is_an_error(app):
    from jinja2 import TemplateNotFound

    with pytest.raises(TemplateNotFound):
        queue_mail("sam@example.com", "no_such_mail", subject="Hi")


@pytest.mark.parametrize(
    "to", ["sam@example.com\nBcc: everyone@example.com", "sam@example.com, eve@example.com"]
)
def test_a_recipient_that_is_not_one_address_is_refused(mail_templates, to):
    with pytest.raises(ValueError, match="one address"):
        queue_mail(to, "test_text_only", subject="Hi", name="", case_url="")


@pytest.mark.parametrize(
    ("subject", "headers"),
    [
        ("Hi\r\nBcc: everyone@example.com", None),
        ("Hi\u2028Bcc: everyone@example.com", None),
        ("Hi\u2029\x85\x0b\x0c\x1c\ud800Bcc: everyone@example.com", None),
        ("Hi", {"List-Unsubscribe": "<x>\nBcc: everyone@example.com"}),
    ],
)
def test_line_breaks_in_headers_become_spaces_and_the_mail_is_sent(
    app, mail_templates, subject, headers
):
    from portal.mail.backends import build_message

    mail = queue_mail(
        "sam@example.com", "test_text_only", subject=subject, headers=headers, name="", case_url=""
    )
    raw = build_message(mail, "Support <support@example.com>").as_bytes()
    assert b"\nBcc:" not in raw and raw.count(b"\nSubject: Hi") == 1
    assert all(ch not in mail.subject for ch in "\r\n\u2028\u2029\x85\ud800")
