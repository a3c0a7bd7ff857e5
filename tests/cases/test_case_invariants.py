"""Each case operation checks its own rules: the browser and the API get the same refusal
(status and message) for what the case's state forbids, and nothing changes."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from portal.cases import attachments, closure, conversation, triage
from portal.cases.filing import CaseDraft, file_case
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Attachment, Case, CaseMessage, CaseStatus, Role
from tests.conftest import PASSWORD, make_contact, make_organisation, make_user

FILED_AT = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # a Tuesday morning in Los Angeles


@pytest.fixture
def gold_admin(app):
    contoso = make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2027, 12, 31))
    return make_contact(contoso, email="admin@gold.example.com")


@pytest.fixture
def open_gold_case(gold_admin) -> Case:
    """A Gold P2 case filed through the filing service, still new and unowned."""
    draft = CaseDraft(
        subject="Pool master unreachable",
        description="XenCenter cannot reach the pool master after a reboot.",
        severity="P2",
        product="XenServer",
        version="5.0.0",
    )
    case = file_case(gold_admin, gold_admin.contact_roles[0].organisation, draft, now=FILED_AT)
    db.session.commit()
    return case


@pytest.fixture
def closed_gold_case(open_gold_case, gold_admin) -> Case:
    closure.close_case(open_gold_case, gold_admin, now=FILED_AT + timedelta(hours=1))
    db.session.commit()
    return open_gold_case


@pytest.fixture
def tse_tomas(app):
    return make_user("tse@support.example.com", Role.TSE, name="Tomas Tanaka")


@pytest.fixture
def tse_priya(app):
    return make_user("priya@support.example.com", Role.TSE, name="Priya Patel")


def bearer(client, email: str) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def login(client, email: str) -> None:
    client.post("/login", data={"email": email, "password": PASSWORD})


def error_of(response) -> str:
    return response.get_json()["error"]["message"]


def test_a_closed_case_takes_no_files_from_the_browser_or_the_api(client, closed_gold_case):
    message = "Reopen the case before adding files."
    api = client.post(
        f"/api/v1/cases/{closed_gold_case.number}/attachments",
        data={"file": (io.BytesIO(b"log"), "xensource.log")},
        headers=bearer(client, "admin@gold.example.com"),
    )
    assert api.status_code == 409
    assert message in error_of(api)

    login(client, "admin@gold.example.com")
    page = client.post(
        f"/cases/{closed_gold_case.number}/attachments",
        data={"attachments": (io.BytesIO(b"log"), "xensource.log")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 409
    assert message in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_closed_case_cannot_be_escalated_by_the_customer_or_by_staff(
    client, closed_gold_case, tse_tomas
):
    message = "A closed case cannot be escalated; reopen it first."
    login(client, "admin@gold.example.com")
    customer = client.post(f"/cases/{closed_gold_case.number}/escalate")
    assert customer.status_code == 409
    assert message in customer.get_data(as_text=True)
    client.post("/logout")

    api = client.patch(
        f"/api/v1/cases/{closed_gold_case.number}",
        json={"escalated": True, "reason": "Asked by phone."},
        headers=bearer(client, "tse@support.example.com"),
    )
    assert api.status_code == 409
    assert message in error_of(api)

    login(client, "tse@support.example.com")
    staff = client.post(
        f"/staff/cases/{closed_gold_case.number}/escalate", data={"reason": "Asked by phone."}
    )
    assert staff.status_code == 409
    assert message in staff.get_data(as_text=True)
    db.session.refresh(closed_gold_case)
    assert closed_gold_case.escalated is False


def test_a_tse_cannot_reply_to_a_case_another_engineer_owns(
    client, open_gold_case, tse_tomas, tse_priya
):
    triage.assign(open_gold_case, tse_priya, tse_priya, now=FILED_AT)
    db.session.commit()
    message = "This case belongs to Priya Patel; ask a support manager to reassign it."

    api = client.post(
        f"/api/v1/cases/{open_gold_case.number}/messages",
        json={"body": "Please send the logs."},
        headers=bearer(client, "tse@support.example.com"),
    )
    assert api.status_code == 403
    assert message in error_of(api)

    login(client, "tse@support.example.com")
    page = client.post(
        f"/staff/cases/{open_gold_case.number}/reply", data={"body": "Please send the logs."}
    )
    assert page.status_code == 403
    assert message in page.get_data(as_text=True)
    public = select(func.count()).select_from(CaseMessage).where(CaseMessage.public.is_(True))
    assert db.session.scalar(public) == 0


def test_support_closes_only_saying_how_the_customer_agreed(client, open_gold_case, tse_tomas):
    message = "Give a reason for closing, such as how the customer agreed"
    api = client.post(
        f"/api/v1/cases/{open_gold_case.number}/close",
        headers=bearer(client, "tse@support.example.com"),
    )
    assert api.status_code == 422
    assert message in error_of(api)

    login(client, "tse@support.example.com")
    page = client.post(f"/staff/cases/{open_gold_case.number}/status", data={"status": "closed"})
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    db.session.refresh(open_gold_case)
    assert open_gold_case.status == CaseStatus.NEW.value

    with pytest.raises(DomainError) as refused:
        closure.close_case(open_gold_case, tse_tomas)
    assert refused.value.status == 422 and refused.value.field == "reason"


def test_a_license_administrator_may_read_but_not_change_a_case(open_gold_case, gold_admin):
    organisation = gold_admin.contact_roles[0].organisation
    from portal.models import ContactKind

    reader = make_contact(organisation, "license@gold.example.com", (ContactKind.LICENSE_ADMIN,))
    with pytest.raises(DomainError) as refused:
        conversation.post_message(open_gold_case, reader, "Any news?")
    assert refused.value.status == 403
    assert "Support Administrators" in refused.value.message


def test_a_refused_request_changes_nothing_even_after_earlier_writes(
    client, open_gold_case, tse_tomas
):
    """The staff PATCH applies fields in order; a bad later field rolls back the earlier."""
    response = client.patch(
        f"/api/v1/cases/{open_gold_case.number}",
        json={"owner": "tse@support.example.com", "status": "no-such-status"},
        headers=bearer(client, "tse@support.example.com"),
    )
    assert response.status_code == 422
    db.session.expire_all()
    case = db.session.get(Case, open_gold_case.id)
    assert case.owner_id is None and case.status == CaseStatus.NEW.value


def test_support_notices_restart_the_auto_close_week_and_customer_actions_do_not(
    open_gold_case, gold_admin, tse_tomas
):
    later = FILED_AT + timedelta(days=1)
    upload = io.BytesIO(b"dmesg output")
    from werkzeug.datastructures import FileStorage

    attachments.attach_files(
        open_gold_case, [FileStorage(upload, "dmesg.txt")], gold_admin, now=later
    )
    assert open_gold_case.last_support_notice_at is None
    assert open_gold_case.last_customer_update_at == later

    conversation.post_message(open_gold_case, tse_tomas, "Thanks, looking at it.", now=later)
    assert open_gold_case.last_support_notice_at == later


def test_auto_close_loses_to_a_customer_reply_committed_meanwhile(
    open_gold_case, gold_admin, tse_tomas, monkeypatch
):
    conversation.post_message(open_gold_case, tse_tomas, "Does the patch help?", now=FILED_AT)
    db.session.commit()
    week_later = FILED_AT + timedelta(days=8)
    stale = closure.idle_cases(week_later)
    assert [c.id for c in stale] == [open_gold_case.id]

    # Another process records the customer's answer after the job has read its list.
    db.session.execute(
        update(Case.__table__)
        .where(Case.__table__.c.id == open_gold_case.id)
        .values(status="waiting_on_support", last_customer_update_at=week_later)
    )
    monkeypatch.setattr(closure, "idle_cases", lambda now: stale)

    assert closure.auto_close(week_later) == 0
    db.session.commit()
    db.session.expire_all()
    case = db.session.get(Case, open_gold_case.id)
    assert case.status == CaseStatus.WAITING_ON_SUPPORT.value
    assert case.closed_at is None


def test_auto_close_moves_through_the_transitions_table(open_gold_case, tse_tomas):
    conversation.post_message(open_gold_case, tse_tomas, "Does the patch help?", now=FILED_AT)
    db.session.commit()
    assert closure.auto_close(FILED_AT + timedelta(days=8)) == 1
    db.session.commit()
    kinds = [(e.kind, e.data.get("to")) for e in open_gold_case.events]
    assert ("status", "closed") in kinds and ("auto_closed", None) in kinds
    assert open_gold_case.status == CaseStatus.CLOSED.value
