"""Case services without HTTP: SLA fields, transitions, escalation, conversation, closure."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.cases import closure, conversation, escalation, triage
from portal.cases.attachments import save_attachment
from portal.cases.filing import CaseDraft, file_case
from portal.cases.status import TRANSITIONS, change_status
from portal.domain_error import DomainError
from portal.extensions import db
from portal.jobs import registry
from portal.jobs.registry import handler, isolated_registry
from portal.models import CaseStatus, Job, OutgoingMail
from tests.conftest import TUESDAY_MORNING, make_case, make_user


def mails_to(address: str) -> list[OutgoingMail]:
    return list(db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == address)))


def test_gold_p1_filed_tuesday_morning_is_due_two_business_hours_later(gold_contact, contoso):
    case = make_case(gold_contact, contoso, severity="P1")
    assert case.tier == "gold" and case.severity == case.customer_severity == "P1"
    assert case.response_due_at == TUESDAY_MORNING + timedelta(hours=2)
    assert case.status == "new" and case.channel == "web" and not case.escalated


def test_base_p4_has_no_response_target(base_contact, northwind):
    case = make_case(base_contact, northwind, severity="P4")
    assert case.tier == "base" and case.response_due_at is None


def test_filing_queues_the_acknowledgement_and_a_timeline_event(gold_contact, contoso):
    case = make_case(gold_contact, contoso)
    [mail] = mails_to("admin@gold.example.com")
    assert case.number in mail.subject and case.number in mail.text_body
    assert [e.kind for e in case.events] == ["filed"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subject", "   ", "short subject"),
        ("severity", "P9", "P1 to P5"),
        ("product", "Notepad", "our products"),
        ("description", 42, "must be text"),
    ],
)
def test_bad_fields_are_refused_with_a_message(gold_contact, contoso, field, value, message):
    draft = CaseDraft(subject="s", description="d", severity="P3", product="XenServer")
    setattr(draft, field, value)
    with pytest.raises(DomainError) as caught:
        file_case(gold_contact, contoso, draft)
    assert message in caught.value.errors[field]


def test_evaluation_user_may_not_file(app, contoso):
    evaluator = make_user("eval@example.com")
    draft = CaseDraft(subject="s", description="d", severity="P3", product="XenServer")
    with pytest.raises(DomainError):
        file_case(evaluator, contoso, draft)


def test_transition_table_forbids_closed_to_resolved(gold_p2_case_new, tse):
    change_status(gold_p2_case_new, CaseStatus.CLOSED, tse)
    with pytest.raises(DomainError, match="cannot become resolved"):
        change_status(gold_p2_case_new, CaseStatus.RESOLVED, tse)
    assert CaseStatus.RESOLVED not in TRANSITIONS[CaseStatus.CLOSED]


def test_every_status_change_writes_an_event(gold_p2_case_new, tse):
    change_status(gold_p2_case_new, CaseStatus.ASSIGNED, tse)
    change_status(gold_p2_case_new, CaseStatus.AWAITING_BUG_FIX, tse, reason="Bug 1234")
    kinds = [(e.kind, e.data.get("to")) for e in gold_p2_case_new.events]
    assert kinds[-2:] == [("status", "assigned"), ("status", "awaiting_bug_fix")]


@pytest.mark.parametrize(
    "text",
    [
        "Please escalate",
        "please, escalate!",
        "PLEASE   ESCALATE this now",
        "We need help.\nPlease\n-- escalate --",
        "please-escalate",
        "Pléase escalate",
        "pleaseescalate",
    ],
)
def test_please_escalate_is_found_in_any_case_spacing_or_punctuation(text):
    assert escalation.mentions_please_escalate(text)


@pytest.mark.parametrize(
    "text", ["Please don't escalate", "displease escalate", "escalate please", ""]
)
def test_other_wording_does_not_escalate(text):
    assert not escalation.mentions_please_escalate(text)


def test_customer_message_asking_to_escalate_escalates_and_mails_managers(
    gold_p2_case_new, gold_contact, manager
):
    conversation.post_message(gold_p2_case_new, gold_contact, "Still down. Please, escalate!")
    db.session.commit()
    assert gold_p2_case_new.escalated and gold_p2_case_new.escalated_at is not None
    [alert] = mails_to("manager@support.example.com")
    assert gold_p2_case_new.number in alert.subject
    assert "escalated" in [e.kind for e in gold_p2_case_new.events]


def test_escalating_twice_changes_nothing(gold_p2_case_new, gold_contact, manager):
    assert escalation.escalate(gold_p2_case_new, gold_contact)
    assert not escalation.escalate(gold_p2_case_new, gold_contact)
    assert len(mails_to("manager@support.example.com")) == 1


def test_first_public_staff_reply_sets_first_response_and_met(gold_p2_case_new, tse):
    reply_at = TUESDAY_MORNING + timedelta(hours=1)
    conversation.post_message(gold_p2_case_new, tse, "Looking at it now.", now=reply_at)
    conversation.post_message(gold_p2_case_new, tse, "Found it.", now=reply_at + timedelta(hours=9))
    assert gold_p2_case_new.first_response_at == reply_at and gold_p2_case_new.response_met is True
    assert gold_p2_case_new.last_support_notice_at == reply_at + timedelta(hours=9)
    assert gold_p2_case_new.status == "waiting_on_customer"
    assert len(mails_to("admin@gold.example.com")) == 3  # acknowledgement + two replies


def test_late_first_reply_is_recorded_as_missed(gold_contact, contoso, tse):
    case = make_case(gold_contact, contoso, severity="P1")
    conversation.post_message(
        case, tse, "Sorry for the wait.", now=TUESDAY_MORNING + timedelta(hours=3)
    )
    assert case.response_met is False


def test_internal_notes_are_not_public_and_not_mailed(gold_p2_case_new, tse):
    before = len(mails_to("admin@gold.example.com"))
    note = conversation.add_internal_note(
        gold_p2_case_new, tse, "Customer runs an unsupported kernel."
    )
    assert note.public is False and gold_p2_case_new.events[-1].public is False
    assert len(mails_to("admin@gold.example.com")) == before


def test_customer_reply_hands_the_case_back_to_support(gold_p2_case_new, gold_contact, tse):
    conversation.post_message(gold_p2_case_new, tse, "Please send the logs.")
    conversation.post_message(gold_p2_case_new, gold_contact, "Logs attached.")
    assert gold_p2_case_new.status == "waiting_on_support"
    assert gold_p2_case_new.last_customer_update_at is not None


def test_messages_on_a_closed_case_are_refused(gold_p2_case_new, gold_contact):
    closure.close_case(gold_p2_case_new, gold_contact)
    with pytest.raises(DomainError) as caught:
        conversation.post_message(gold_p2_case_new, gold_contact, "one more thing")
    assert caught.value.status == 409


def _answered(case, tse, days_ago: int, now: datetime) -> None:
    conversation.post_message(case, tse, "Does this fix it?", now=now - timedelta(days=days_ago))
    db.session.commit()


def test_auto_close_closes_after_seven_quiet_days_and_tells_the_customer(gold_p2_case_new, tse):
    now = TUESDAY_MORNING + timedelta(days=10)
    _answered(gold_p2_case_new, tse, 8, now)
    assert closure.auto_close(now) == 1
    db.session.commit()
    assert gold_p2_case_new.status == "closed" and gold_p2_case_new.closed_at == now
    assert "auto_closed" in [e.kind for e in gold_p2_case_new.events]
    assert "closed" in mails_to("admin@gold.example.com")[-1].text_body


def test_auto_close_waits_a_full_seven_days(gold_p2_case_new, tse):
    now = TUESDAY_MORNING + timedelta(days=10)
    _answered(gold_p2_case_new, tse, 6, now)
    assert closure.auto_close(now) == 0 and gold_p2_case_new.status == "waiting_on_customer"


def test_auto_close_leaves_cases_the_customer_updated_since(gold_p2_case_new, gold_contact, tse):
    now = TUESDAY_MORNING + timedelta(days=10)
    _answered(gold_p2_case_new, tse, 9, now)
    logs = FileStorage(io.BytesIO(b"kernel: ok"), "messages.log")
    save_attachment(gold_p2_case_new, logs, gold_contact, now=now - timedelta(days=8))
    db.session.commit()
    assert gold_p2_case_new.status == "waiting_on_customer"  # a file moves no status...
    assert closure.auto_close(now) == 0  # ...but it is word from the customer


def test_auto_close_never_closes_a_case_awaiting_a_bug_fix(gold_p2_case_new, tse):
    now = TUESDAY_MORNING + timedelta(days=30)
    _answered(gold_p2_case_new, tse, 20, now)
    triage.set_bug(gold_p2_case_new, "XS-1234", tse, now=now - timedelta(days=19))
    db.session.commit()
    assert closure.auto_close(now) == 0 and gold_p2_case_new.status == "awaiting_bug_fix"


def _survey_jobs() -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.kind == "surveys.invite")))


def test_closing_queues_the_survey_hook_when_surveys_handle_it(gold_p2_case_new, gold_contact):
    with isolated_registry():
        registry._handlers.pop(closure.SURVEY_JOB, None)

        @handler(closure.SURVEY_JOB)
        def fake_invite(payload: dict, now: datetime) -> None:
            pass

        closure.close_case(gold_p2_case_new, gold_contact)
    assert [job.payload for job in _survey_jobs()] == [{"case_id": gold_p2_case_new.id}]


def test_closing_queues_no_survey_hook_without_a_handler(
    gold_p2_case_new, gold_contact, monkeypatch
):
    monkeypatch.setattr(closure, "get_handler", lambda kind: None)  # a build without surveys
    closure.close_case(gold_p2_case_new, gold_contact)
    assert _survey_jobs() == [] and gold_p2_case_new.status == "closed"


def test_reopening_a_closed_case_returns_it_to_support(gold_p2_case_new, gold_contact):
    closure.close_case(gold_p2_case_new, gold_contact)
    closure.reopen_case(gold_p2_case_new, gold_contact, reason="It came back.")
    assert gold_p2_case_new.status == "waiting_on_support" and gold_p2_case_new.closed_at is None
    assert gold_p2_case_new.events[-1].kind == "reopened"


def test_only_resolved_or_closed_cases_reopen(gold_p2_case_new, gold_contact):
    with pytest.raises(DomainError):
        closure.reopen_case(gold_p2_case_new, gold_contact)


def test_events_are_ordered_and_timestamped(gold_p2_case_new, gold_contact, tse):
    replied = TUESDAY_MORNING + timedelta(hours=1)
    answered = TUESDAY_MORNING + timedelta(hours=2)
    conversation.post_message(gold_p2_case_new, tse, "Send the logs, please.", now=replied)
    conversation.post_message(gold_p2_case_new, gold_contact, "Attached.", now=answered)
    db.session.commit()
    db.session.expire_all()
    events = gold_p2_case_new.events
    times = [event.created_at for event in events]
    assert events[0].kind == "filed" and times[0] == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    assert times == sorted(times) and set(times) == {TUESDAY_MORNING, replied, answered}


@pytest.mark.parametrize(
    "app_config", [{"SERVER_NAME": None, "BASE_URL": "https://help.example.com"}]
)
def test_auto_close_from_the_job_runner_links_to_the_case_by_base_url(app, gold_p2_case_new, tse):
    from portal.jobs.runner import run_pass

    now = TUESDAY_MORNING + timedelta(days=10)
    _answered(gold_p2_case_new, tse, 8, now)
    run_pass(now=now)
    db.session.expire_all()
    mails = mails_to("admin@gold.example.com")
    [closed] = [m for m in mails if m.template == "cases_activity" and "closed" in m.text_body]
    assert f"https://help.example.com/cases/{gold_p2_case_new.number}" in closed.text_body
    assert gold_p2_case_new.status == "closed"
    # The surveys feature handles the hook in the same pass: its invitation follows.
    assert any(m.template == "survey_case" for m in mails)


def test_any_support_notice_starts_the_seven_days_not_only_a_reply(
    gold_p2_case_new, gold_contact, tse
):
    now = TUESDAY_MORNING + timedelta(days=20)
    _answered(gold_p2_case_new, tse, 12, now)
    conversation.post_message(
        gold_p2_case_new, gold_contact, "Trying it", now=now - timedelta(days=11)
    )
    triage.set_status(
        gold_p2_case_new, "resolved", tse, "Fixed by the patch", now=now - timedelta(days=6)
    )
    db.session.commit()
    assert closure.auto_close(now) == 0  # resolved six days ago: the week is not up
    assert closure.auto_close(now + timedelta(days=1, minutes=1)) == 1
    assert gold_p2_case_new.status == "closed"


def test_linking_a_bug_makes_the_case_wait_for_the_fix_and_never_auto_close(gold_p2_case_new, tse):
    now = TUESDAY_MORNING + timedelta(days=30)
    _answered(gold_p2_case_new, tse, 20, now)
    assert gold_p2_case_new.status == "waiting_on_customer"
    triage.set_bug(gold_p2_case_new, "XS-1234", tse, now=now - timedelta(days=19))
    db.session.commit()
    assert gold_p2_case_new.status == "awaiting_bug_fix"
    assert closure.auto_close(now) == 0 and gold_p2_case_new.status == "awaiting_bug_fix"
    assert "linked to bug XS-1234" in mails_to("admin@gold.example.com")[-1].text_body

    triage.set_bug(gold_p2_case_new, "", tse, now=now)
    db.session.commit()
    assert gold_p2_case_new.status == "waiting_on_support" and gold_p2_case_new.bug_id is None
    assert "no longer linked" in mails_to("admin@gold.example.com")[-1].text_body


def test_clearing_the_third_party_flag_tells_the_customer(gold_p2_case_new, tse):
    triage.set_third_party(gold_p2_case_new, True, "Acme Storage", tse)
    triage.set_third_party(gold_p2_case_new, False, "Acme Storage", tse)
    db.session.commit()
    subjects = [mail.text_body for mail in mails_to("admin@gold.example.com")]
    assert "Acme Storage's product" in subjects[-2]
    assert "no longer thought to be in another vendor" in subjects[-1]
    assert gold_p2_case_new.third_party is False and gold_p2_case_new.third_party_vendor is None
    assert triage.set_third_party(gold_p2_case_new, False, "Other", tse) is False


def test_a_customer_escalating_does_not_start_the_seven_days(gold_p2_case_new, gold_contact, tse):
    now = TUESDAY_MORNING + timedelta(days=20)
    _answered(gold_p2_case_new, tse, 10, now)
    escalation.escalate(gold_p2_case_new, gold_contact, now=now - timedelta(days=9))
    db.session.commit()
    assert closure.auto_close(now) == 0 and gold_p2_case_new.status == "waiting_on_customer"


def test_bug_links_on_resolved_and_closed_cases(gold_p2_case_new, gold_contact, tse):
    triage.set_status(gold_p2_case_new, "resolved", tse, "Patched")
    triage.set_bug(gold_p2_case_new, "XS-77", tse)
    assert gold_p2_case_new.status == "awaiting_bug_fix"
    triage.set_bug(gold_p2_case_new, "", tse)
    closure.close_case(gold_p2_case_new, gold_contact)
    with pytest.raises(DomainError) as closed:
        triage.set_bug(gold_p2_case_new, "XS-78", tse)
    assert closed.value.status == 409 and gold_p2_case_new.bug_id is None
