from datetime import timedelta

import pytest

from portal.cases import triage
from portal.cases.escalation import escalate
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import CaseEvent, OutgoingMail, Role
from portal.models.types import utcnow
from tests.conftest import TUESDAY_MORNING, make_user

FILED = TUESDAY_MORNING  # when gold_p3_case_new was filed: Tuesday 08:00 Pacific


@pytest.fixture
def tse(app):
    return make_user("tse@example.com", Role.TSE, name="Tomas Tse")


@pytest.fixture
def manager(app):
    return make_user("manager@example.com", Role.MANAGER, name="Maya Manager")


def mails_to(address):
    return db.session.query(OutgoingMail).filter_by(recipient=address).all()


def test_tse_takes_an_unowned_case_and_the_customer_is_told(gold_p3_case_new, tse):
    assert triage.assign(gold_p3_case_new, tse, tse)
    assert gold_p3_case_new.owner == tse and gold_p3_case_new.status == "assigned"
    assert "Tomas Tse now owns your case" in mails_to("admin@gold.example.com")[-1].text_body


def test_tse_cannot_take_a_case_someone_owns(gold_p3_case_new, tse):
    other = make_user("other@example.com", Role.TSE)
    triage.assign(gold_p3_case_new, other, other)
    with pytest.raises(DomainError) as caught:
        triage.assign(gold_p3_case_new, tse, tse)
    assert caught.value.status == 403 and gold_p3_case_new.owner == other


def test_reassignment_needs_a_reason_the_customer_sees(gold_p3_case_new, tse, manager):
    triage.assign(gold_p3_case_new, tse, tse)
    night = make_user("night@example.com", Role.TSE, name="Nia Night")
    with pytest.raises(DomainError, match="reason"):
        triage.assign(gold_p3_case_new, night, manager, "")
    triage.assign(gold_p3_case_new, night, manager, "Nia covers your time zone.")
    assert "Nia covers your time zone." in mails_to("admin@gold.example.com")[-1].text_body


def test_unknown_or_customer_owner_is_refused(gold_p3_case_new, manager):
    with pytest.raises(DomainError) as caught:
        triage.apply_changes(gold_p3_case_new, {"owner": "nobody@example.com"}, manager)
    assert caught.value.status == 422
    with pytest.raises(DomainError):
        triage.assign(gold_p3_case_new, gold_p3_case_new.contact, manager)


def test_severity_review_recomputes_due_time_from_filing(gold_p3_case_new, tse):
    triage.assign(gold_p3_case_new, tse, tse)
    triage.change_severity(gold_p3_case_new, "P1", tse, "Production pool is down.")
    assert gold_p3_case_new.severity == "P1" and gold_p3_case_new.customer_severity == "P3"
    assert gold_p3_case_new.response_due_at == FILED + timedelta(hours=2)
    event = (
        db.session.query(CaseEvent).filter_by(case_id=gold_p3_case_new.id, kind="severity").one()
    )
    assert event.public and event.data["reason"] == "Production pool is down."


def test_severity_change_without_reason_changes_nothing(gold_p3_case_new, tse):
    with pytest.raises(DomainError, match="reason"):
        triage.change_severity(gold_p3_case_new, "P1", tse, "  ")
    assert gold_p3_case_new.severity == "P3"


def test_disallowed_transition_is_409_and_awaiting_fix_needs_a_bug(gold_p3_case_new, tse):
    triage.assign(gold_p3_case_new, tse, tse)
    with pytest.raises(DomainError) as caught:
        triage.set_status(gold_p3_case_new, "awaiting_bug_fix", tse)
    assert "bug" in str(caught.value)
    triage.set_bug(gold_p3_case_new, "CA-777", tse)
    triage.set_status(gold_p3_case_new, "awaiting_bug_fix", tse)
    assert gold_p3_case_new.status == "awaiting_bug_fix"


def test_patch_with_one_bad_field_changes_nothing(gold_p3_case_new, manager):
    with pytest.raises(DomainError):
        triage.apply_changes(
            gold_p3_case_new, {"severity": "P2", "reason": "x", "status": "nonsense"}, manager
        )
    db.session.rollback()
    db.session.refresh(gold_p3_case_new)
    assert gold_p3_case_new.severity == "P3"


def test_third_party_flag_points_the_customer_to_the_vendor(gold_p3_case_new, tse):
    triage.set_third_party(gold_p3_case_new, True, "Acme RAID", tse)
    assert gold_p3_case_new.third_party and gold_p3_case_new.third_party_vendor == "Acme RAID"
    assert "Acme RAID" in mails_to("admin@gold.example.com")[-1].text_body


def test_only_managers_write_action_plans_on_escalated_cases(gold_p3_case_new, tse, manager):
    due = utcnow() + timedelta(days=2)
    with pytest.raises(DomainError) as caught:
        triage.write_action_plan(gold_p3_case_new, "Plan", due, tse)
    assert caught.value.status == 403
    with pytest.raises(DomainError) as caught:
        triage.write_action_plan(gold_p3_case_new, "Plan", due, manager)
    assert caught.value.status == 409
    escalate(gold_p3_case_new, gold_p3_case_new.contact, reason="Production is down.")
    with pytest.raises(DomainError, match="future"):
        triage.write_action_plan(gold_p3_case_new, "Plan", utcnow() - timedelta(hours=1), manager)
    triage.write_action_plan(gold_p3_case_new, "Reproduce in the lab, then hotfix.", due, manager)
    assert (
        gold_p3_case_new.action_plan.startswith("Reproduce")
        and gold_p3_case_new.action_plan_due_at == due
    )
    assert triage.end_escalation(gold_p3_case_new, manager, "Hotfix applied; stable for a week.")
    assert not gold_p3_case_new.escalated
