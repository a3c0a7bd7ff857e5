"""SLA alerts: support is mailed once when a case nears its response target and once when it
misses it; a reply, or a severity review that moves the due time, changes what is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.cases import closure, conversation, triage
from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.models import Case, OutgoingMail, Role
from portal.policy import DEFAULT_POLICY, Severity, recompute_due_at
from portal.staff import alerts
from tests.conftest import make_user
from tests.staff.conftest import make_gold_p3_case

FILED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday morning
DUE = recompute_due_at(FILED, "gold", Severity.P3, DEFAULT_POLICY)  # a Gold P3 filed then


def _mails() -> list[OutgoingMail]:
    return list(
        db.session.scalars(
            select(OutgoingMail)
            .where(OutgoingMail.template == "cases_sla_alert")
            .order_by(OutgoingMail.id)
        )
    )


def _people():
    tse = make_user("tse@example.com", Role.TSE, name="Tomas Tse")
    manager = make_user("manager@example.com", Role.MANAGER, name="Maya Manager")
    return tse, manager


@pytest.fixture
def gold_p3_case_filed_tuesday(gold_contact, contoso) -> Case:
    """Contoso's P3 case filed at FILED, so its response is due at DUE; nobody owns it."""
    case = make_gold_p3_case(gold_contact, contoso, now=FILED)
    assert case.response_due_at == DUE
    return case


def _taken_by(case: Case, tse) -> Case:  # noqa: ANN001 - a User
    triage.assign(case, tse, tse, now=FILED)
    db.session.commit()
    return case


def test_the_owner_hears_first_then_managers_join_once_it_is_missed(
    app, gold_p3_case_filed_tuesday
):
    tse, manager = _people()
    case = _taken_by(gold_p3_case_filed_tuesday, tse)

    assert alerts.send_sla_alerts(FILED + timedelta(minutes=5)) == 0
    assert alerts.send_sla_alerts(DUE - timedelta(minutes=1)) == 1
    at_risk = _mails()
    assert [m.recipient for m in at_risk] == ["tse@example.com"]
    assert f"[Response due soon] Case {case.number}" in at_risk[0].subject
    assert "close to its response target" in at_risk[0].text_body
    assert alerts.send_sla_alerts(DUE - timedelta(seconds=30)) == 0  # once per level

    assert alerts.send_sla_alerts(DUE + timedelta(minutes=1)) == 1
    breached = _mails()[1:]
    assert {m.recipient for m in breached} == {"tse@example.com", "manager@example.com"}
    assert all("[Response target missed]" in m.subject for m in breached)
    assert alerts.send_sla_alerts(DUE + timedelta(hours=5)) == 0
    db.session.refresh(case)
    assert case.sla_alert_level == alerts.BREACHED


def test_an_unowned_case_at_risk_goes_to_the_managers(app, gold_p3_case_filed_tuesday):
    _people()
    assert alerts.send_sla_alerts(DUE - timedelta(minutes=1)) == 1
    assert [m.recipient for m in _mails()] == ["manager@example.com"]


def test_answered_and_closed_cases_raise_no_alert(
    app, gold_p3_case_filed_tuesday, gold_contact, contoso
):
    tse, _ = _people()
    answered = _taken_by(gold_p3_case_filed_tuesday, tse)
    conversation.post_message(answered, tse, "Looking at it now.", now=FILED + timedelta(hours=1))
    closed = make_gold_p3_case(
        gold_contact, contoso, now=FILED, description="Closed before anyone replied"
    )
    closure.close_case(closed, gold_contact, now=FILED + timedelta(minutes=30))
    db.session.commit()
    assert closed.response_due_at == DUE and closed.first_response_at is None
    assert alerts.send_sla_alerts(DUE + timedelta(hours=1)) == 0
    assert _mails() == []


def test_a_severity_review_rearms_the_alerts_for_the_new_due_time(app, gold_p3_case_filed_tuesday):
    tse, _ = _people()
    case = _taken_by(gold_p3_case_filed_tuesday, tse)
    assert alerts.send_sla_alerts(DUE - timedelta(minutes=1)) == 1
    triage.change_severity(case, "P4", tse, "The customer has a workaround")
    db.session.commit()
    assert case.sla_alert_level == 0 and case.response_due_at is None  # P4 has no target


def test_the_job_runner_sends_them(app, gold_p3_case_filed_tuesday):
    tse, _ = _people()
    _taken_by(gold_p3_case_filed_tuesday, tse)
    run_pass(now=DUE + timedelta(minutes=1))
    assert len(_mails()) == 2
