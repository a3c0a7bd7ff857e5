"""Case mail as a mail client reads it: one thread per case, both parts right, times in the
recipient's zone, links from BASE_URL only, automatic mail marked as such."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.cases import conversation, escalation, triage
from portal.extensions import db
from portal.mail.threads import thread_root
from tests.conftest import PASSWORD
from tests.mail.conftest import FILED, deliver_queued, delivered, outbox

REPLY = (
    "Please run this on the host and send us what it prints:\n"
    "\n"
    "```\n"
    "xe vm-param-get uuid=<uuid> param-name=networks\n"
    "```\n"
    "\n"
    "If the list is empty, the guest tools are not running.\n"
    "Then restart the toolstack & try again.\n"
    "\n"
    "<script>alert('x')</script>"
)


def _send_everything(app) -> None:  # noqa: ANN001
    deliver_queued()


def test_every_case_mail_threads_on_the_case_root_with_the_number_in_the_subject(
    app, case, tse, customer
):
    conversation.post_message(case, tse, "Looking at it.", now=FILED + timedelta(minutes=5))
    triage.change_severity(case, "P3", tse, "Workaround found", now=FILED + timedelta(hours=1))
    db.session.commit()
    _send_everything(app)

    ack, reply, severity = delivered(app)
    root = thread_root(case)
    assert ack["Message-ID"] == root and ack["In-Reply-To"] is None
    for message in (reply, severity):
        assert message["Message-ID"] != root
        assert message["In-Reply-To"] == root and message["References"] == root
    subjects = {str(m["Subject"]) for m in (ack, reply, severity)}
    assert subjects == {f"[Case {case.number}] VMs lose network after migration"}
    assert len({m["Message-ID"] for m in (ack, reply, severity)}) == 3


def test_the_thread_root_cannot_be_guessed_from_the_case_number(app, case, contoso, customer):
    from tests.mail.conftest import file_case_for

    other = file_case_for(customer, contoso, subject="Second case")
    first, second = thread_root(case), thread_root(other)
    assert case.number in first and other.number in second
    # The part after the number is an HMAC of the app's secret, not a counter.
    assert first.split(".")[1][:24] != second.split(".")[1][:24]
    app.config["SECRET_KEY"] = "another-secret"
    assert thread_root(case) != first


def test_automatic_mail_says_so_and_a_persons_reply_does_not(app, case, tse):
    conversation.post_message(case, tse, "Looking at it.", now=FILED + timedelta(minutes=5))
    triage.change_severity(case, "P3", tse, "Workaround found", now=FILED + timedelta(hours=1))
    db.session.commit()
    _send_everything(app)

    ack, reply, severity = delivered(app)
    assert ack["Auto-Submitted"] == "auto-generated"
    assert severity["Auto-Submitted"] == "auto-generated"
    assert reply["Auto-Submitted"] is None  # a person wrote it (RFC 3834)
    for message in (ack, reply, severity):
        assert message["X-Auto-Response-Suppress"] == "OOF, AutoReply"
        assert message["X-Portal-Loop"] == "support.example.com"


def test_the_text_part_keeps_the_markdown_and_the_html_part_is_rendered_and_sanitised(
    app, case, tse
):
    conversation.post_message(case, tse, REPLY, now=FILED + timedelta(minutes=5))
    db.session.commit()
    _send_everything(app)

    reply = delivered(app)[1]
    text = reply.get_body(("plain",)).get_content()
    html = reply.get_body(("html",)).get_content()
    # Verbatim: the command, the fence, both paragraphs and their line break.
    assert "```\nxe vm-param-get uuid=<uuid> param-name=networks\n```\n" in text
    assert "&lt;" not in text and "&amp;" not in text
    assert (
        "If the list is empty, the guest tools are not running.\n"
        "Then restart the toolstack & try again." in text
    )
    assert "xe vm-param-get uuid=&lt;uuid&gt; param-name=networks" in html
    assert "&amp;lt;" not in html
    assert "<pre style=" in html and "<code style=" in html
    assert html.count("<p style=") >= 2
    assert "<script" not in html and "alert(" not in html


def test_times_are_in_the_recipients_zone(app, case, tse, customer, manager):
    from tests.mail.conftest import outbox as rows

    ack = rows(customer.email)[0]
    # Gold P2 filed Tuesday 08:00 in Los Angeles is due four business hours later.
    assert "Tuesday 24 November 2026, 14:00 PST" in ack.text_body
    assert "UTC" not in ack.text_body

    escalation.escalate(case, customer, reason="Customer asked", now=FILED + timedelta(hours=1))
    db.session.commit()
    [alert] = rows(manager.email)
    notice = rows(customer.email)[-1]
    assert "Tue 24 Nov 2026, 09:00 PST" in notice.text_body
    assert alert.recipient == manager.email


def test_action_plan_due_time_is_in_the_customers_zone(app, case, manager, customer):
    escalation.escalate(case, customer, reason="Asked", now=FILED)
    due = FILED + timedelta(days=1)
    triage.write_action_plan(case, "Replace the NIC firmware.", due.isoformat(), manager, now=FILED)
    db.session.commit()

    last = outbox(customer.email)[-1]
    assert "Planned completion: Wed 25 Nov 2026, 08:00 PST" in last.text_body
    assert "Replace the NIC firmware." in last.text_body


@pytest.mark.parametrize(
    "app_config", [{"SERVER_NAME": None, "BASE_URL": "https://help.example.org"}]
)
def test_a_request_for_a_host_we_do_not_serve_is_refused(app, client, case, tse):
    response = client.post(
        "/login",
        data={"email": tse.email, "password": PASSWORD},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 400
    assert client.get("/healthz", headers={"Host": "help.example.org"}).status_code == 200


@pytest.mark.parametrize(
    "app_config",
    # An operator who lets every host through (an empty list) still mails BASE_URL links.
    [{"SERVER_NAME": None, "BASE_URL": "https://help.example.org", "TRUSTED_HOSTS": []}],
)
def test_a_forged_host_header_never_reaches_a_mailed_link(app, client, case, tse):
    forged = {"Host": "evil.example:8443"}
    client.post("/login", data={"email": tse.email, "password": PASSWORD}, headers=forged)
    response = client.post(
        f"/staff/cases/{case.number}/reply",
        data={"body": "We are on it."},
        headers=forged,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    mails = outbox(case.contact.email)
    assert len(mails) == 2, [m.text_body for m in mails]
    for mail in mails:
        assert "evil.example" not in mail.text_body + (mail.html_body or "")
        assert f"https://help.example.org/cases/{case.number}" in mail.text_body


def test_list_unsubscribe_stays_a_readable_link_however_long(app, customer):
    from portal.mail.outbox import queue_mail

    url = "https://help.example.org/ideas/unsubscribe/" + "A" * 120
    queue_mail(
        customer.email,
        "password_reset",
        subject="Idea update",
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        user=customer,
        reset_url="x",
        expires_minutes=1,
    )
    db.session.commit()
    deliver_queued()

    from pathlib import Path

    [path] = Path(app.config["MAIL_DIR"]).glob("*.eml")
    raw = path.read_bytes()
    assert f"List-Unsubscribe: <{url}>\r\n".encode() in raw or (
        f"List-Unsubscribe: <{url}>\n".encode() in raw
    )
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_a_coalesced_case_mail_arrives_over_smtp_threaded_with_both_parts(
    app, smtp_sink, case, tse, customer
):
    from portal.jobs.runner import run_pass

    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER=smtp_sink.host,
        MAIL_PORT=smtp_sink.port,
        MAIL_COALESCE_SECONDS=120,
    )
    start = FILED + timedelta(minutes=1)
    conversation.post_message(case, tse, REPLY, now=start)
    triage.change_severity(case, "P3", tse, "Workaround", now=start + timedelta(seconds=30))
    db.session.commit()
    run_pass(now=start + timedelta(seconds=120))
    deliver_queued()

    ack, update = smtp_sink.messages
    assert ack["Message-ID"] == thread_root(case)
    assert update["In-Reply-To"] == update["References"] == thread_root(case)
    assert update["Subject"] == ack["Subject"] == f"[Case {case.number}] {case.subject}"
    text = update.get_body(("plain",)).get_content()
    html = update.get_body(("html",)).get_content()
    assert "There are 2 updates" in text and "xe vm-param-get uuid=<uuid>" in text
    assert "uuid=&lt;uuid&gt;" in html and "<script" not in html
    assert update["Auto-Submitted"] is None
