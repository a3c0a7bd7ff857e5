"""SLA alerts: support is mailed once when a case nears its response target and once when it
misses it; a reply, or a severity review that moves the due time, changes what is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.cases import conversation
from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.models import Case, OutgoingMail, Role
from portal.policy import DEFAULT_POLICY, Severity, recompute_due_at
from portal.staff import alerts, triage
from tests.conftest import make_user
from tests.staff.conftest import make_gold_case

FILED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday morning
DUE = recompute_due_at(FILED, "gold", Severity.P3, DEFAULT_POLICY)  # the fixture's Gold P3


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


def test_the_owner_hears_first_then_managers_join_once_it_is_missed(app):
    tse, manager = _people()
    case = make_gold_case("00000400", filed_at=FILED, response_due_at=DUE, owner=tse)

    assert alerts.send_sla_alerts(FILED + timedelta(minutes=5)) == 0
    assert alerts.send_sla_alerts(DUE - timedelta(minutes=1)) == 1
    at_risk = _mails()
    assert [m.recipient for m in at_risk] == ["tse@example.com"]
    assert "[Response due soon] Case 00000400" in at_risk[0].subject
    assert "close to its response target" in at_risk[0].text_body
    assert alerts.send_sla_alerts(DUE - timedelta(seconds=30)) == 0  # once per level

    assert alerts.send_sla_alerts(DUE + timedelta(minutes=1)) == 1
    breached = _mails()[1:]
    assert {m.recipient for m in breached} == {"tse@example.com", "manager@example.com"}
    assert all("[Response target missed]" in m.subject for m in breached)
    assert alerts.send_sla_alerts(DUE + timedelta(hours=5)) == 0
    db.session.refresh(case)
    assert case.sla_alert_level == alerts.BREACHED


def test_an_unowned_case_at_risk_goes_to_the_managers(app):
    _people()
    make_gold_case("00000401", filed_at=FILED, response_due_at=DUE)
    assert alerts.send_sla_alerts(DUE - timedelta(minutes=1)) == 1
    assert [m.recipient for m in _mails()] == ["manager@example.com"]


def test_answered_and_closed_cases_raise_no_alert(app):
    tse, _ = _people()
    answered = make_gold_case("00000402", filed_at=FILED, response_due_at=DUE, owner=tse)
    conversation.post_message(answered, tse, "Looking at it now.", now=FILED + timedelta(hours=1))
    closed = Case(
        **{c: getattr(answered, c) for c in ("organisation_id", "contact_id", "subject")},
        description="Closed before anyone replied",
        product="XenServer",
        version="4.1",
        customer_severity="P3",
        severity="P3",
        tier="gold",
        number="00000403",
        status="closed",
        filed_at=FILED,
        response_due_at=DUE,
    )
    db.session.add(closed)
    db.session.commit()
    assert alerts.send_sla_alerts(DUE + timedelta(hours=1)) == 0
    assert _mails() == []


def test_a_severity_review_rearms_the_alerts_for_the_new_due_time(app):
    tse, _ = _people()
    case = make_gold_case("00000404", filed_at=FILED, response_due_at=DUE, owner=tse)
    assert alerts.send_sla_alerts(DUE - timedelta(minutes=1)) == 1
    triage.change_severity(case, "P4", tse, "The customer has a workaround")
    db.session.commit()
    assert case.sla_alert_level == 0 and case.response_due_at is None  # P4 has no target


def test_the_job_runner_sends_them(app):
    tse, _ = _people()
    make_gold_case("00000405", filed_at=FILED, response_due_at=DUE, owner=tse)
    run_pass(now=DUE + timedelta(minutes=1))
    assert len(_mails()) == 2
