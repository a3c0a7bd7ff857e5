from datetime import UTC, datetime, timedelta

import pytest

from portal.cases import triage
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import CaseEvent, OutgoingMail, Role
from portal.models.types import utcnow
from tests.conftest import make_user
from tests.staff.conftest import make_gold_case

FILED = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # Tuesday 08:00 Pacific


@pytest.fixture
def case(app):
    return make_gold_case(
        "00000100",
        subject="SR gone",
        description="Detached",
        filed_at=FILED,
        response_due_at=FILED + timedelta(hours=13),
    )


@pytest.fixture
def tse(app):
    return make_user("tse@example.com", Role.TSE, name="Tomas Tse")


@pytest.fixture
def manager(app):
    return make_user("manager@example.com", Role.MANAGER, name="Maya Manager")


def mails_to(address):
    return db.session.query(OutgoingMail).filter_by(recipient=address).all()


def test_tse_takes_an_unowned_case_and_the_customer_is_told(case, tse):
    assert triage.assign(case, tse, tse)
    assert case.owner == tse and case.status == "assigned"
    assert "Tomas Tse now owns your case" in mails_to("gold@example.com")[-1].text_body


def test_tse_cannot_take_a_case_someone_owns(case, tse):
    other = make_user("other@example.com", Role.TSE)
    case.owner = other
    with pytest.raises(DomainError) as caught:
        triage.assign(case, tse, tse)
    assert caught.value.status == 403 and case.owner == other


def test_reassignment_needs_a_reason_the_customer_sees(case, tse, manager):
    case.owner = tse
    night = make_user("night@example.com", Role.TSE, name="Nia Night")
    with pytest.raises(DomainError, match="reason"):
        triage.assign(case, night, manager, "")
    triage.assign(case, night, manager, "Nia covers your time zone.")
    assert "Nia covers your time zone." in mails_to("gold@example.com")[-1].text_body


def test_unknown_or_customer_owner_is_refused(case, manager):
    with pytest.raises(DomainError) as caught:
        triage.apply_changes(case, {"owner": "nobody@example.com"}, manager)
    assert caught.value.status == 422
    with pytest.raises(DomainError):
        triage.assign(case, case.contact, manager)


def test_severity_review_recomputes_due_time_from_filing(case, tse):
    triage.assign(case, tse, tse)
    triage.change_severity(case, "P1", tse, "Production pool is down.")
    assert case.severity == "P1" and case.customer_severity == "P3"
    assert case.response_due_at == FILED + timedelta(hours=2)
    event = db.session.query(CaseEvent).filter_by(case_id=case.id, kind="severity").one()
    assert event.public and event.data["reason"] == "Production pool is down."


def test_severity_change_without_reason_changes_nothing(case, tse):
    with pytest.raises(DomainError, match="reason"):
        triage.change_severity(case, "P1", tse, "  ")
    assert case.severity == "P3"


def test_disallowed_transition_is_409_and_awaiting_fix_needs_a_bug(case, tse):
    triage.assign(case, tse, tse)
    with pytest.raises(DomainError) as caught:
        triage.set_status(case, "awaiting_bug_fix", tse)
    assert "bug" in str(caught.value)
    triage.set_bug(case, "CA-777", tse)
    triage.set_status(case, "awaiting_bug_fix", tse)
    assert case.status == "awaiting_bug_fix"


def test_patch_with_one_bad_field_changes_nothing(case, manager):
    with pytest.raises(DomainError):
        triage.apply_changes(case, {"severity": "P2", "reason": "x", "status": "nonsense"}, manager)
    db.session.rollback()
    db.session.refresh(case)
    assert case.severity == "P3"


def test_third_party_flag_points_the_customer_to_the_vendor(case, tse):
    triage.set_third_party(case, True, "Acme RAID", tse)
    assert case.third_party and case.third_party_vendor == "Acme RAID"
    assert "Acme RAID" in mails_to("gold@example.com")[-1].text_body


def test_only_managers_write_action_plans_on_escalated_cases(case, tse, manager):
    due = utcnow() + timedelta(days=2)
    with pytest.raises(DomainError) as caught:
        triage.write_action_plan(case, "Plan", due, tse)
    assert caught.value.status == 403
    with pytest.raises(DomainError) as caught:
        triage.write_action_plan(case, "Plan", due, manager)
    assert caught.value.status == 409
    case.escalated = True
    with pytest.raises(DomainError, match="future"):
        triage.write_action_plan(case, "Plan", utcnow() - timedelta(hours=1), manager)
    triage.write_action_plan(case, "Reproduce in the lab, then hotfix.", due, manager)
    assert case.action_plan.startswith("Reproduce") and case.action_plan_due_at == due
    assert triage.end_escalation(case, manager, "Hotfix applied; stable for a week.")
    assert not case.escalated
