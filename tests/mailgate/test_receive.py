"""`flask mail receive`: replies from the common clients land on their case as the same
message on the web would, stripped of quoted history and signatures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.cases import closure, conversation
from portal.extensions import db
from portal.models import Attachment, CaseMessage, CaseNotice, OutgoingMail
from portal.staff import alerts
from tests.mail.conftest import FILED, outbox
from tests.mailgate import messages
from tests.mailgate.conftest import last_case_mail, pipe, received


def _messages(case) -> list[CaseMessage]:  # noqa: ANN001
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
        )
    )


def _reply_to(case, tse):  # noqa: ANN001, ANN202
    conversation.post_message(case, tse, "Please run the command.", now=FILED + timedelta(hours=1))
    db.session.commit()
    return last_case_mail(case)


def test_a_gmail_reply_lands_on_its_case_without_the_quoted_history(app, case, customer, tse):
    answered = _reply_to(case, tse)
    raw = messages.gmail_reply(
        customer.email,
        answered.message_id,
        f"Re: {answered.subject}",
        "Here is the output:\n\n    networks (MRO): 0/ip: 10.0.0.5\n\nThanks,\nCasey",
    )

    result = pipe(app, raw)

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"filed (case {case.number})")
    reply = _messages(case)[-1]
    assert reply.author_id == customer.id and reply.public and not reply.from_support
    assert reply.body == "Here is the output:\n\n    networks (MRO): 0/ip: 10.0.0.5"
    assert case.status == "waiting_on_support"
    [row] = received()
    assert row.status == "filed" and row.case_id == case.id and row.case_message_id == reply.id


def test_the_same_message_delivered_twice_is_stored_once(app, case, customer, tse):
    answered = _reply_to(case, tse)
    raw = messages.gmail_reply(customer.email, answered.message_id, "Re: x", "Still broken.")

    first, second = pipe(app, raw), pipe(app, raw)

    assert first.exit_code == second.exit_code == 0
    assert second.output.startswith("dup")
    assert [m.body for m in _messages(case)].count("Still broken.") == 1
    assert len(received()) == 1


def test_an_outlook_html_only_reply_in_windows_1252_reads_as_written(app, case, customer, tse):
    answered = _reply_to(case, tse)

    pipe(app, messages.outlook_html_only(customer.email, answered.message_id, answered.subject))

    body = _messages(case)[-1].body
    assert body == (
        "The café host still drops the VIF after migration. We tried “restart toolstack” "
        "– no change.\nCould you call me? 555 0100"
    )


def test_apple_mail_flowed_text_an_inline_screenshot_and_a_log_file(app, case, customer, tse):
    answered = _reply_to(case, tse)

    pipe(app, messages.apple_mail_with_inline_image(customer.email, answered.message_id, "x"))

    body = _messages(case)[-1].body
    assert body == (
        "Here is a screenshot of the error dialog and the log from the pool master. "
        "The error started right after we upgraded to 5.0.1 on Monday."
    )
    files = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
    assert sorted(f.original_name for f in files) == [
        "Screenshot 2026-11-24 at 17.40.png",
        "xensource.log",
    ]
    assert all(f.uploaded_by_id == customer.id for f in files)


def test_thunderbird_latin1_flowed_keeps_the_command_and_drops_the_signature(
    app, case, customer, tse
):
    answered = _reply_to(case, tse)

    pipe(app, messages.thunderbird_latin1_flowed(customer.email, answered.message_id, "x"))

    body = _messages(case)[-1].body
    assert body.startswith(
        "Bonjour, le réseau revient après un redémarrage de la VM, mais pas après XenMotion."
    )
    assert "xe vif-list vm-uuid=<uuid>" in body
    assert "René Dupont" not in body


def test_please_escalate_by_mail_escalates_and_tells_the_managers(
    app, case, customer, tse, manager
):
    answered = _reply_to(case, tse)

    pipe(
        app,
        messages.base64_plain(
            customer.email, "Re: case", "Still down, PLEASE ESCALATE!", answered.message_id
        ),
    )

    db.session.refresh(case)
    assert case.escalated
    assert any("escalated" in m.subject.lower() for m in outbox(manager.email))


def test_a_reply_to_a_closed_case_reopens_it_as_the_web_would(app, case, customer, tse):
    answered = _reply_to(case, tse)
    closure.close_case(case, customer, now=FILED + timedelta(hours=2))
    db.session.commit()

    result = pipe(
        app,
        messages.base64_plain(
            customer.email, "Re: x", "It came back this morning.", answered.message_id
        ),
    )

    assert result.output.startswith("filed")
    db.session.refresh(case)
    assert case.status == "waiting_on_support"
    assert any(e.kind == "reopened" for e in case.events)
    assert _messages(case)[-1].body == "It came back this morning."


def test_an_engineers_reply_to_an_alert_is_a_public_reply_the_customer_is_mailed(
    app, case, customer, tse
):
    case.owner = tse
    db.session.commit()
    alerts.send_sla_alerts(case.response_due_at - timedelta(minutes=10))
    db.session.commit()
    alert = outbox(tse.email)[-1]
    assert alert.case_id == case.id and "Replying to this email answers" not in alert.text_body

    pipe(
        app,
        messages.gmail_reply(tse.email, alert.message_id, f"Re: {alert.subject}", "On it now."),
    )

    reply = _messages(case)[-1]
    assert reply.author_id == tse.id and reply.public and reply.from_support
    assert case.first_response_at is not None
    assert "On it now." in outbox(customer.email)[-1].text_body


def test_a_case_number_in_the_subject_files_a_new_mail_from_the_cases_contact(app, case, customer):
    result = pipe(
        app,
        messages.base64_plain(customer.email, f"More logs for case {case.number}", "See above."),
    )

    assert result.output.startswith(f"filed (case {case.number})"), result.output
    assert _messages(case)[-1].body == "See above."


def test_a_case_number_in_the_subject_means_nothing_from_someone_who_may_not_act(
    app, case, customer, contoso
):
    from tests.conftest import make_contact, make_organisation

    other = make_contact(make_organisation("Fabrikam"), email="admin@fabrikam.example.com")

    result = pipe(app, messages.base64_plain(other.email, f"Re: Case {case.number}", "Hello"))

    assert f"(case {case.number})" not in result.output
    assert _messages(case) == []


def test_a_forged_from_on_a_real_thread_is_recorded_not_posted(app, case, customer, tse):
    from tests.conftest import make_contact, make_organisation

    answered = _reply_to(case, tse)
    other = make_contact(make_organisation("Fabrikam"), email="admin@fabrikam.example.com")

    known = pipe(app, messages.gmail_reply(other.email, answered.message_id, "Re: x", "Hi"))
    stranger = pipe(
        app, messages.gmail_reply("mallory@evil.example", answered.message_id, "Re: x", "Hi")
    )

    assert known.output.startswith("review"), known.output
    assert "may not act on it" in known.output
    assert stranger.output.startswith("review") and "not a portal user" in stranger.output
    assert [m.body for m in _messages(case)] == ["Please run the command."]
    assert {r.reason_code for r in received()} == {"not_allowed", "unknown_sender"}


def test_a_filename_with_a_path_stays_inside_the_upload_folder(app, case, customer, tse):
    from pathlib import Path

    answered = _reply_to(case, tse)

    pipe(app, messages.with_attachment(customer.email, answered.message_id, "x", "../../x", b"hi"))

    [file] = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
    assert file.original_name == "x"
    root = Path(app.config["UPLOAD_DIR"]).resolve()
    assert root in (root / file.stored_path).resolve().parents


def test_an_attachment_over_the_upload_limit_is_left_out_with_the_reason(app, case, customer, tse):
    app.config["MAX_ATTACHMENT_BYTES"] = 1000
    answered = _reply_to(case, tse)

    result = pipe(
        app,
        messages.with_attachment(customer.email, answered.message_id, "x", "dump.bin", b"x" * 5000),
    )

    assert result.output.startswith("filed")
    assert "dump.bin is larger than the" in result.output
    assert _messages(case)[-1].body == "The file is attached."
    assert db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all() == []


def test_the_customers_own_reply_mails_nobody_and_queues_no_notice(app, case, customer, tse):
    answered = _reply_to(case, tse)
    before = db.session.query(OutgoingMail).count()

    pipe(app, messages.gmail_reply(customer.email, answered.message_id, "Re: x", "Thanks."))

    assert db.session.query(OutgoingMail).count() == before
    assert db.session.query(CaseNotice).count() == 1  # only the engineer's reply


def test_two_deliveries_racing_each_other_store_the_message_once(
    app, case, customer, tse, monkeypatch
):
    from portal.mailgate import gateway

    answered = _reply_to(case, tse)
    raw = messages.gmail_reply(customer.email, answered.message_id, "Re: x", "Raced.")
    assert pipe(app, raw).output.startswith("filed")
    # The second delivery looked before the first had committed: its insert must lose.
    real, calls = gateway._key_stored, []

    def looked_too_early(key: str) -> bool:
        calls.append(key)
        return False if len(calls) == 1 else real(key)

    monkeypatch.setattr(gateway, "_key_stored", looked_too_early)

    outcome = gateway.deliver(raw)

    assert outcome.status == "dup" and len(calls) == 2  # the insert lost, then it looked
    assert [m.body for m in _messages(case)].count("Raced.") == 1
    assert len(received()) == 1
