import io
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import Case, Role
from portal.models.types import utcnow
from tests.conftest import PASSWORD, make_user


@pytest.fixture
def case(gold_case):
    return gold_case


def headers_for(client, email, role=None):
    if role:
        make_user(email, role)
    token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}).get_json()
    return {"Authorization": f"Bearer {token['token']}"}


def test_staff_patch_takes_and_reviews_severity(client, case):
    tse = headers_for(client, "tse@example.com", Role.TSE)
    response = client.patch(
        "/api/v1/cases/00000200",
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
def test_bad_patches_change_nothing(client, case, body, status):
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    response = client.patch("/api/v1/cases/00000200", headers=manager, json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]
    db.session.expire_all()
    fresh = db.session.get(Case, case.id)
    assert (fresh.severity, fresh.status, fresh.owner_id, fresh.bug_id) == ("P3", "new", None, None)


def test_customer_calling_staff_endpoints_gets_403(client, case):
    customer = headers_for(client, "gold@example.com")
    for method, path, body in [
        ("patch", "/api/v1/cases/00000200", {"severity": "P1", "reason": "x"}),
        ("post", "/api/v1/cases/00000200/notes", {"body": "sneaky"}),
        ("post", "/api/v1/cases/00000200/action-plan", {"body": "x", "due_at": "2030-01-01"}),
    ]:
        response = getattr(client, method)(path, headers=customer, json=body)
        assert response.status_code == 403


def test_tse_cannot_change_a_colleagues_case(client, case):
    colleague = make_user("mate@example.com", Role.TSE)
    case.owner = colleague
    db.session.commit()
    tse = headers_for(client, "tse@example.com", Role.TSE)
    response = client.patch(
        "/api/v1/cases/00000200", headers=tse, json={"severity": "P1", "reason": "Urgent"}
    )
    assert response.status_code == 403
    assert "mate@example.com" not in response.get_json()["error"]["message"]


def test_a_tse_cannot_reply_close_or_reopen_a_colleagues_case_through_the_api(client, case):
    colleague = make_user("mate@example.com", Role.TSE)
    case.owner = colleague
    db.session.commit()
    tse = headers_for(client, "tse@example.com", Role.TSE)
    url = "/api/v1/cases/00000200"
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
    assert db.session.get(Case, case.id).status == "new" and not case.messages
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    reply = client.post(url + "/messages", headers=manager, json={"body": "On it."})
    assert reply.status_code == 201


def test_support_closes_a_case_only_saying_how_the_customer_agreed(client, case):
    from sqlalchemy import select

    from portal.models import Job, OutgoingMail

    tse = headers_for(client, "tse@example.com", Role.TSE)
    url = "/api/v1/cases/00000200"
    bare = client.patch(url, headers=tse, json={"status": "closed"})
    assert bare.status_code == 422 and "how the customer agreed" in bare.get_data(as_text=True)
    assert db.session.get(Case, case.id).status == "new"
    reason = "Customer confirmed by phone that the host is stable."
    closed = client.patch(url, headers=tse, json={"status": "closed", "reason": reason})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    kinds = [job.kind for job in db.session.scalars(select(Job))]
    assert "surveys.invite" in kinds
    mail = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc())).first()
    assert "closed" in mail.text_body and mail.recipient == "gold@example.com"
    assert reason in mail.text_body


def test_staff_escalate_and_managers_end_it_through_the_api(client, case):
    tse = headers_for(client, "tse@example.com", Role.TSE)
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    url = "/api/v1/cases/00000200"
    assert client.patch(url, headers=tse, json={"escalated": "yes"}).status_code == 422
    assert client.patch(url, headers=tse, json={"escalated": True}).status_code == 422
    escalated = client.patch(url, headers=tse, json={"escalated": True, "reason": "By phone"})
    assert escalated.status_code == 200 and escalated.get_json()["escalated"] is True
    refused = client.patch(url, headers=tse, json={"escalated": False, "reason": "Calm now"})
    assert refused.status_code == 403
    ended = client.patch(url, headers=manager, json={"escalated": False, "reason": "Calm now"})
    assert ended.status_code == 200 and ended.get_json()["escalated"] is False


def test_support_closing_through_the_close_endpoint_also_needs_the_reason(client, case):
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    url = "/api/v1/cases/00000200/close"
    bare = client.post(url, headers=manager)
    assert bare.status_code == 422 and db.session.get(Case, case.id).status == "new"
    closed = client.post(url, headers=manager, json={"reason": "Agreed on the phone."})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"


def test_internal_notes_never_reach_the_customer(client, case):
    tse = headers_for(client, "tse@example.com", Role.TSE)
    response = client.post(
        "/api/v1/cases/00000200/notes",
        headers=tse,
        json={"body": "Customer's array firmware is ancient."},
    )
    assert response.status_code == 201
    customer = headers_for(client, "gold@example.com")
    seen = client.get("/api/v1/cases/00000200", headers=customer).get_data(as_text=True)
    assert "ancient" not in seen
    staff_view = client.get("/api/v1/cases/00000200", headers=tse).get_data(as_text=True)
    assert "ancient" in staff_view
    from portal.models import OutgoingMail

    assert all("ancient" not in m.text_body for m in db.session.query(OutgoingMail))


def test_manager_publishes_an_action_plan_the_customer_can_read(client, case):
    case.escalated = True
    db.session.commit()
    manager = headers_for(client, "manager@example.com", Role.MANAGER)
    due = (utcnow() + timedelta(days=3)).isoformat()
    response = client.post(
        "/api/v1/cases/00000200/action-plan",
        headers=manager,
        json={"body": "Lab reproduction by Friday.", "due_at": due},
    )
    assert response.status_code == 200, response.get_json()
    customer = headers_for(client, "gold@example.com")
    body = client.get("/api/v1/cases/00000200", headers=customer).get_json()
    assert body["action_plan"] == "Lab reproduction by Friday."


def test_action_plan_from_a_tse_is_refused(client, case):
    case.escalated = True
    db.session.commit()
    tse = headers_for(client, "tse@example.com", Role.TSE)
    response = client.post(
        "/api/v1/cases/00000200/action-plan",
        headers=tse,
        json={"body": "x", "due_at": "2030-01-01T00:00:00+00:00"},
    )
    assert response.status_code == 403
