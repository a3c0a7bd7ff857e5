import io
from datetime import timedelta

import pytest

from portal.cases import triage
from portal.cases.escalation import escalate
from portal.extensions import db
from portal.models import Case, Role
from portal.models.types import utcnow
from tests.conftest import PASSWORD, make_user


def headers_for(client, email, role=None):
    if role:
        make_user(email, role)
    token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}).get_json()
    return {"Authorization": f"Bearer {token['token']}"}


def test_staff_patch_takes_and_reviews_severity(client, gold_p3_case_new):
    tse = headers_for(client, "tse@example.com", Role.TSE)
    response = client.patch(
        f"/api/v1/cases/{gold_p3_case_new.number}",
        headers=tse,
        json={
            "owner": "tse@example.com",
            "severity": "P2",
            "reason": "A documented feature cannot be used.",
        },
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["owner"]["email"] == "tse@example.com" and body["severity"] == "P2"
    assert body["customer_severity"] == "P3" and body["status"] == "assigned"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"severity": "P1"}, 422),
        ({"severity": "P7", "reason": "x"}, 422),
        ({"owner": "ghost@example.com"}, 422),
        ({"status": "exploded"}, 422),
        ({"status": "closed", "bug_id": "not valid!"}, 422),
        ({"colour": "red"}, 422),
        ({}, 422),
        ({"third_party": "yes"}, 422),
    ],
)
def test_bad_patches_change_nothing(client, gold_p3_case_new, body, status):
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    response = client.patch(f"/api/v1/cases/{gold_p3_case_new.number}", headers=manager, json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]
    db.session.expire_all()
    fresh = db.session.get(Case, gold_p3_case_new.id)
    assert (fresh.severity, fresh.status, fresh.owner_id, fresh.bug_id) == ("P3", "new", None, None)


def test_customer_calling_staff_endpoints_gets_403(client, gold_p3_case_new):
    customer = headers_for(client, "admin@gold.example.com")
    for method, path, body in [
        ("patch", f"/api/v1/cases/{gold_p3_case_new.number}", {"severity": "P1", "reason": "x"}),
        ("post", f"/api/v1/cases/{gold_p3_case_new.number}/notes", {"body": "sneaky"}),
        (
            "post",
            f"/api/v1/cases/{gold_p3_case_new.number}/action-plan",
            {"body": "x", "due_at": "2030-01-01"},
        ),
    ]:
        response = getattr(client, method)(path, headers=customer, json=body)
        assert response.status_code == 403


def test_tse_cannot_change_a_colleagues_case(client, gold_p3_case_new):
    colleague = make_user("mate@example.com", Role.TSE)
    triage.assign(gold_p3_case_new, colleague, colleague)  # the colleague takes it
    db.session.commit()
    tse = headers_for(client, "tse@example.com", Role.TSE)
    response = client.patch(
        f"/api/v1/cases/{gold_p3_case_new.number}",
        headers=tse,
        json={"severity": "P1", "reason": "Urgent"},
    )
    assert response.status_code == 403
    assert "mate@example.com" not in response.get_json()["error"]["message"]


def test_a_tse_cannot_reply_close_or_reopen_a_colleagues_case_through_the_api(
    client, gold_p3_case_new
):
    colleague = make_user("mate@example.com", Role.TSE)
    triage.assign(gold_p3_case_new, colleague, colleague)  # the colleague takes it
    db.session.commit()
    tse = headers_for(client, "tse@example.com", Role.TSE)
    url = f"/api/v1/cases/{gold_p3_case_new.number}"
    for method, path, body in (
        ("post", "/messages", {"body": "Try rebooting"}),
        ("post", "/close", {"reason": "done"}),
        ("post", "/reopen", None),
    ):
        response = getattr(client, method)(url + path, headers=tse, json=body)
        assert response.status_code == 403, path
        assert "reassign" in response.get_json()["error"]["message"]
    files = {"file": (io.BytesIO(b"log"), "x.log")}
    upload = client.post(url + "/attachments", headers=tse, data=files)
    assert upload.status_code == 403
    db.session.expire_all()
    assert (
        db.session.get(Case, gold_p3_case_new.id).status == "assigned"
        and not gold_p3_case_new.messages
    )
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    reply = client.post(url + "/messages", headers=manager, json={"body": "On it."})
    assert reply.status_code == 201


def test_support_closes_a_case_only_saying_how_the_customer_agreed(client, gold_p3_case_new):
    from sqlalchemy import select

    from portal.models import Job, OutgoingMail

    tse = headers_for(client, "tse@example.com", Role.TSE)
    url = f"/api/v1/cases/{gold_p3_case_new.number}"
    bare = client.patch(url, headers=tse, json={"status": "closed"})
    assert bare.status_code == 422 and "how the customer agreed" in bare.get_data(as_text=True)
    assert db.session.get(Case, gold_p3_case_new.id).status == "new"
    reason = "Customer confirmed by phone that the host is stable."
    closed = client.patch(url, headers=tse, json={"status": "closed", "reason": reason})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    kinds = [job.kind for job in db.session.scalars(select(Job))]
    assert "surveys.invite" in kinds
    mail = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc())).first()
    assert "closed" in mail.text_body and mail.recipient == "admin@gold.example.com"
    assert reason in mail.text_body


def test_staff_escalate_and_managers_end_it_through_the_api(client, gold_p3_case_new):
    tse = headers_for(client, "tse@example.com", Role.TSE)
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    url = f"/api/v1/cases/{gold_p3_case_new.number}"
    assert client.patch(url, headers=tse, json={"escalated": "yes"}).status_code == 422
    assert client.patch(url, headers=tse, json={"escalated": True}).status_code == 422
    escalated = client.patch(url, headers=tse, json={"escalated": True, "reason": "By phone"})
    assert escalated.status_code == 200 and escalated.get_json()["escalated"] is True
    refused = client.patch(url, headers=tse, json={"escalated": False, "reason": "Calm now"})
    assert refused.status_code == 403
    ended = client.patch(url, headers=manager, json={"escalated": False, "reason": "Calm now"})
    assert ended.status_code == 200 and ended.get_json()["escalated"] is False


def test_support_closing_through_the_close_endpoint_also_needs_the_reason(client, gold_p3_case_new):
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    url = f"/api/v1/cases/{gold_p3_case_new.number}/close"
    bare = client.post(url, headers=manager)
    assert bare.status_code == 422 and db.session.get(Case, gold_p3_case_new.id).status == "new"
    closed = client.post(url, headers=manager, json={"reason": "Agreed on the phone."})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"


def test_internal_notes_never_reach_the_customer(client, gold_p3_case_new):
    tse = headers_for(client, "tse@example.com", Role.TSE)
    response = client.post(
        f"/api/v1/cases/{gold_p3_case_new.number}/notes",
        headers=tse,
        json={"body": "Customer's array firmware is ancient."},
    )
    assert response.status_code == 201
    customer = headers_for(client, "admin@gold.example.com")
    seen = client.get(f"/api/v1/cases/{gold_p3_case_new.number}", headers=customer)
    assert seen.status_code == 200 and seen.get_json()["number"] == gold_p3_case_new.number
    assert "ancient" not in seen.get_data(as_text=True)
    staff_view = client.get(f"/api/v1/cases/{gold_p3_case_new.number}", headers=tse).get_data(
        as_text=True
    )
    assert "ancient" in staff_view
    from portal.models import OutgoingMail

    assert all("ancient" not in m.text_body for m in db.session.query(OutgoingMail))


def test_manager_publishes_an_action_plan_the_customer_can_read(client, gold_p3_case_new):
    escalate(gold_p3_case_new, gold_p3_case_new.contact, reason="Production is down.")
    db.session.commit()
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    due = (utcnow() + timedelta(days=3)).isoformat()
    response = client.post(
        f"/api/v1/cases/{gold_p3_case_new.number}/action-plan",
        headers=manager,
        json={"body": "Lab reproduction by Friday.", "due_at": due},
    )
    assert response.status_code == 200, response.get_json()
    customer = headers_for(client, "admin@gold.example.com")
    body = client.get(f"/api/v1/cases/{gold_p3_case_new.number}", headers=customer).get_json()
    assert body["action_plan"] == "Lab reproduction by Friday."


def test_action_plan_from_a_tse_is_refused(client, gold_p3_case_new):
    escalate(gold_p3_case_new, gold_p3_case_new.contact, reason="Production is down.")
    db.session.commit()
    tse = headers_for(client, "tse@example.com", Role.TSE)
    response = client.post(
        f"/api/v1/cases/{gold_p3_case_new.number}/action-plan",
        headers=tse,
        json={"body": "x", "due_at": "2030-01-01T00:00:00+00:00"},
    )
    assert response.status_code == 403
