import re
from datetime import timedelta

import pytest

from portal.cases.escalation import escalate
from portal.extensions import db
from portal.models import CaseMessage, OutgoingMail, Role
from portal.models.types import utcnow
from tests.conftest import make_user
from tests.staff.conftest import make_gold_p3_case


@pytest.fixture
def gold_p3_console_case_new(gold_contact, contoso):
    """Contoso's new P3 XenCenter case: a blank VM console."""
    return make_gold_p3_case(
        gold_contact,
        contoso,
        subject="VM console blank",
        description="Black console",
        product="XenCenter",
    )


@pytest.fixture
def logged_in_tse(client, auth):
    user = make_user("tse@example.com", Role.TSE, name="Tomas Tse")
    auth.login("tse@example.com")
    return user


def test_staff_see_tools_and_customers_do_not(
    client, auth, gold_p3_console_case_new, logged_in_tse
):
    assert "Staff tools" in client.get(f"/cases/{gold_p3_console_case_new.number}").get_data(
        as_text=True
    )
    auth.logout()
    auth.login("admin@gold.example.com")
    customer_page = client.get(f"/cases/{gold_p3_console_case_new.number}")
    html = customer_page.get_data(as_text=True)
    assert customer_page.status_code == 200 and "VM console blank" in html
    assert "Staff tools" not in html


def test_tse_takes_replies_and_notes(client, gold_p3_console_case_new, logged_in_tse):
    assert client.post(f"/staff/cases/{gold_p3_console_case_new.number}/take").status_code == 302
    assert (
        client.post(
            f"/staff/cases/{gold_p3_console_case_new.number}/reply",
            data={"body": "Please send the XenCenter log."},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/staff/cases/{gold_p3_console_case_new.number}/note",
            data={"body": "Probably the VNC proxy."},
        ).status_code
        == 302
    )
    db.session.refresh(gold_p3_console_case_new)
    assert (
        gold_p3_console_case_new.owner == logged_in_tse
        and gold_p3_console_case_new.first_response_at is not None
    )
    assert gold_p3_console_case_new.status == "waiting_on_customer"
    notes = db.session.query(CaseMessage).filter_by(public=False).all()
    assert [n.body for n in notes] == ["Probably the VNC proxy."]


def test_severity_change_without_reason_keeps_the_form(
    client, gold_p3_console_case_new, logged_in_tse
):
    client.post(f"/staff/cases/{gold_p3_console_case_new.number}/take")
    response = client.post(
        f"/staff/cases/{gold_p3_console_case_new.number}/severity",
        data={"severity": "P1", "reason": ""},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give a reason" in html and "Staff tools" in html
    db.session.refresh(gold_p3_console_case_new)
    assert gold_p3_console_case_new.severity == "P3"


def test_internal_note_is_never_on_the_customer_page(
    client, auth, gold_p3_console_case_new, logged_in_tse
):
    client.post(
        f"/staff/cases/{gold_p3_console_case_new.number}/note", data={"body": "Secret staff musing"}
    )
    client.post(
        f"/staff/cases/{gold_p3_console_case_new.number}/reply",
        data={"body": "Public word from support"},
    )
    assert db.session.query(CaseMessage).filter_by(public=False).count() == 1
    auth.logout()
    auth.login("admin@gold.example.com")
    customer_page = client.get(f"/cases/{gold_p3_console_case_new.number}")
    html = customer_page.get_data(as_text=True)
    assert customer_page.status_code == 200 and "Public word from support" in html
    assert "Secret staff musing" not in html


def test_manager_action_plan_from_the_browser_form(client, auth, gold_p3_console_case_new):
    escalate(
        gold_p3_console_case_new, gold_p3_console_case_new.contact, reason="Every console is black."
    )
    db.session.commit()
    make_user("manager@example.com", Role.MANAGER)
    auth.login("manager@example.com")
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    response = client.post(
        f"/staff/cases/{gold_p3_console_case_new.number}/action_plan",
        data={"body": "Reproduce, then patch.", "due_date": day, "due_time": "15:00"},
    )
    assert response.status_code == 302
    db.session.refresh(gold_p3_console_case_new)
    assert (
        gold_p3_console_case_new.action_plan == "Reproduce, then patch."
        and gold_p3_console_case_new.action_plan_due_at is not None
    )


def test_unknown_action_and_other_organisations_are_404(
    client, gold_p3_console_case_new, logged_in_tse
):
    assert (
        client.post(f"/staff/cases/{gold_p3_console_case_new.number}/launch-rockets").status_code
        == 404
    )
    assert client.post("/staff/cases/99999999/take").status_code == 404


def test_customers_cannot_use_staff_actions(client, auth, gold_p3_console_case_new):
    auth.login("admin@gold.example.com")
    assert client.post(f"/staff/cases/{gold_p3_console_case_new.number}/take").status_code == 403


def test_a_tse_escalates_for_a_customer_who_asked_by_phone(
    client, gold_p3_console_case_new, logged_in_tse
):
    make_user("manager@example.com", Role.MANAGER, name="Maya Manager")
    page = client.get(f"/cases/{gold_p3_console_case_new.number}").get_data(as_text=True)
    assert "Escalate for the customer" in page
    bare = client.post(
        f"/staff/cases/{gold_p3_console_case_new.number}/escalate", data={"reason": " "}
    )
    assert bare.status_code == 422
    html = bare.get_data(as_text=True)
    assert "Give a reason for escalating; the customer will see it." in html
    # The triage panel holding the escalate form comes back open, beside the message.
    assert re.search(r"<details[^>]* open>\s*<summary>Triage</summary>", html)
    done = client.post(
        f"/staff/cases/{gold_p3_console_case_new.number}/escalate",
        data={"reason": "Customer asked by phone."},
    )
    assert done.status_code == 302
    db.session.refresh(gold_p3_console_case_new)
    assert gold_p3_console_case_new.escalated
    mails = db.session.query(OutgoingMail).all()
    assert {m.recipient for m in mails} >= {"manager@example.com", "admin@gold.example.com"}
    assert "Escalate for the customer" not in client.get(
        f"/cases/{gold_p3_console_case_new.number}"
    ).get_data(as_text=True)


def test_a_refused_action_shows_its_message_beside_the_field_and_keeps_what_was_typed(
    client, gold_p3_console_case_new, logged_in_tse
):
    case = gold_p3_console_case_new
    client.post(f"/staff/cases/{case.number}/take")
    response = client.post(f"/staff/cases/{case.number}/bug", data={"bug_id": "not a bug!"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-describedby="staff-bug-error" aria-invalid="true" id="staff-bug"' in html
    assert '<small id="staff-bug-error" class="field-error" role="alert">Use the bug' in html
    assert html.count("not a bug!") == 1  # kept in its own field, and in no other form
    db.session.refresh(case)
    assert case.bug_id is None


def test_an_action_plan_due_in_the_past_is_refused_beside_its_date(
    client, auth, gold_p3_console_case_new
):
    case = gold_p3_console_case_new
    escalate(case, case.contact, reason="Still down")
    db.session.commit()
    make_user("manager@example.com", Role.MANAGER)
    auth.login("manager@example.com")
    response = client.post(
        f"/staff/cases/{case.number}/action_plan",
        data={"body": "Reproduce, then patch.", "due_date": "2020-01-01", "due_time": "15:00"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="staff-plan-date-error"' in html and "must be in the future" in html
    assert "Reproduce, then patch." in html and 'value="15:00"' in html


def test_the_staff_tools_forms_share_a_page_without_sharing_an_id(
    client, auth, gold_p3_console_case_new
):
    import re
    from collections import Counter

    case = gold_p3_console_case_new
    escalate(case, case.contact, reason="Still down")
    db.session.commit()
    make_user("manager@example.com", Role.MANAGER)
    auth.login("manager@example.com")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Publish action plan" in html and "Change severity" in html
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []
