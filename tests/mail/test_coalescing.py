"""Fewer, better mails: quick actions on one case become one mail, never later than the
window after the first; staff alerts about one case are coalesced the same way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.cases import conversation, escalation, triage
from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.mail.notices import send_pending
from portal.models import CaseNotice
from portal.staff import alerts
from tests.mail.conftest import FILED, outbox

WINDOW = 120


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"MAIL_COALESCE_SECONDS": WINDOW}


def _case_mails(address: str) -> list:
    return [m for m in outbox(address) if m.template != "cases_acknowledgement"]


def test_four_quick_actions_by_one_engineer_go_out_as_one_mail(app, case, tse, customer):
    start = FILED + timedelta(minutes=30)
    triage.assign(case, tse, tse, now=start)
    triage.change_severity(
        case, "P3", tse, "A workaround exists", now=start + timedelta(seconds=10)
    )
    conversation.post_message(
        case, tse, "Run `xe host-list` and send the output.", now=start + timedelta(seconds=20)
    )
    triage.set_bug(case, "XS-1234", tse, now=start + timedelta(seconds=40))
    db.session.commit()

    run_pass(now=start + timedelta(seconds=WINDOW - 1))
    assert _case_mails(customer.email) == []

    run_pass(now=start + timedelta(seconds=WINDOW))
    [mail] = _case_mails(customer.email)
    assert mail.subject == f"[Case {case.number}] VMs lose network after migration"
    assert "There are 4 updates on your case" in mail.text_body
    for headline in (
        "Tomas Tanaka now owns your case",
        "Severity changed from P2 to P3",
        "New reply from Tomas Tanaka",
        "Your case is linked to bug XS-1234",
    ):
        assert headline in mail.text_body and headline in (mail.html_body or "")
    assert "Run `xe host-list` and send the output." in mail.text_body
    assert mail.text_body.index("now owns") < mail.text_body.index("linked to bug")
    assert "Auto-Submitted" not in mail.headers  # it carries a person's reply

    run_pass(now=start + timedelta(hours=1))
    assert len(_case_mails(customer.email)) == 1


def test_a_public_reply_waits_at_most_the_window_even_when_more_follows(app, case, tse, customer):
    start = FILED + timedelta(minutes=30)
    conversation.post_message(case, tse, "First answer.", now=start)
    db.session.commit()
    triage.change_severity(case, "P3", tse, "Workaround", now=start + timedelta(seconds=100))
    db.session.commit()
    # Something that happens after the window has run out goes into the next mail.
    run_pass(now=start + timedelta(seconds=WINDOW))
    triage.set_bug(case, "XS-9", tse, now=start + timedelta(seconds=WINDOW + 5))
    db.session.commit()

    [first] = _case_mails(customer.email)
    assert "First answer." in first.text_body and "Severity changed" in first.text_body
    assert "XS-9" not in first.text_body

    run_pass(now=start + timedelta(seconds=2 * WINDOW + 4))
    assert len(_case_mails(customer.email)) == 1
    run_pass(now=start + timedelta(seconds=2 * WINDOW + 5))
    [_, second] = _case_mails(customer.email)
    assert "linked to bug XS-9" in second.text_body
    assert "An update on your case" in second.text_body
    assert second.headers["Auto-Submitted"] == "auto-generated"


def test_staff_alerts_about_one_case_are_coalesced_per_person(app, case, customer, manager):
    at_risk = case.response_due_at - timedelta(minutes=30)
    escalation.escalate(case, customer, reason="Production down", now=at_risk)
    db.session.commit()
    assert alerts.send_sla_alerts(at_risk + timedelta(seconds=30)) == 1
    db.session.commit()

    run_pass(now=at_risk + timedelta(seconds=WINDOW))
    [mail] = outbox(manager.email)
    assert mail.template == "cases_staff_digest"
    assert mail.subject.startswith(f"[2 alerts] Case {case.number}")
    assert f"Case {case.number} escalated" in mail.text_body
    assert "Response due soon" in mail.text_body
    assert "Production down" in mail.text_body
    assert mail.headers["In-Reply-To"].startswith(f"<case-{case.number}.")


def test_a_single_staff_alert_keeps_its_own_mail(app, case, manager):
    due = case.response_due_at
    assert alerts.send_sla_alerts(due - timedelta(minutes=5)) == 1
    db.session.commit()
    run_pass(now=due - timedelta(minutes=5) + timedelta(seconds=WINDOW))
    [mail] = outbox(manager.email)
    assert mail.template == "cases_sla_alert"
    assert mail.subject.startswith("[Response due soon] Case")
    assert "close to its response target" in mail.text_body


def test_two_workers_taking_the_same_notices_send_one_mail(app, case, tse, customer):
    conversation.post_message(case, tse, "Hello.", now=FILED + timedelta(minutes=1))
    db.session.commit()

    assert send_pending(case.id, customer.id) == 1
    assert send_pending(case.id, customer.id) == 0
    db.session.commit()
    assert len(_case_mails(customer.email)) == 1
    [notice] = db.session.scalars(db.select(CaseNotice)).all()
    assert notice.mail_id == _case_mails(customer.email)[0].id
