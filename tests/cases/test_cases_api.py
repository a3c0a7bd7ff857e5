"""The cases API: shapes from CONTRACT.md, permissions, and clear 4xx answers."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.cases.conversation import add_internal_note, post_message
from portal.extensions import db
from portal.models import Attachment, Case
from tests.conftest import PASSWORD, make_user

BODY = {
    "subject": "Storage repository goes offline",
    "description": "The iSCSI SR drops every few hours.",
    "severity": "P1",
    "product": "XenServer",
    "version": "5.0.0",
}


def token(client, email: str) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def gold_api(client, gold_contact):
    return token(client, "admin@gold.example.com")


def test_filing_through_the_api_returns_the_contract_shape(client, gold_api):
    response = client.post("/api/v1/cases", json=BODY, headers=gold_api)
    assert response.status_code == 201
    data = response.get_json()
    for key in (
        "number",
        "subject",
        "status",
        "severity",
        "customer_severity",
        "tier",
        "product",
        "version",
        "owner",
        "escalated",
        "filed_at",
        "response_due_at",
        "first_response_at",
        "response_met",
        "bug_id",
        "action_plan",
        "messages",
    ):
        assert key in data
    assert data["status"] == "new" and data["tier"] == "gold" and data["owner"] is None
    assert data["response_due_at"].endswith("+00:00")
    assert db.session.scalar(select(Case)).channel == "api"
    listed = client.get("/api/v1/cases", headers=gold_api).get_json()
    assert listed["total"] == 1 and listed["results"][0]["number"] == data["number"]
    one = client.get(f"/api/v1/cases/{data['number']}", headers=gold_api).get_json()
    assert one["subject"] == BODY["subject"]


def test_evaluation_user_filing_gets_403_json(client, app):
    make_user("eval@example.com")
    response = client.post("/api/v1/cases", json=BODY, headers=token(client, "eval@example.com"))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"severity": "P7"}, "P1 to P5"),
        ({"subject": ""}, "subject"),
        ({"subject": 12}, "must be text"),
        ({"description": ["a"]}, "must be text"),
    ],
)
def test_bad_case_bodies_get_422_with_a_clear_message(client, gold_api, change, fragment):
    response = client.post("/api/v1/cases", json=BODY | change, headers=gold_api)
    assert response.status_code == 422
    assert fragment in response.get_json()["error"]["message"]
    assert db.session.scalar(select(Case)) is None


def test_a_non_object_body_is_refused(client, gold_api):
    assert client.post("/api/v1/cases", json=["x"], headers=gold_api).status_code == 400


def test_another_organisations_case_is_404_in_the_api(client, gold_p2_case_new, base_contact):
    headers = token(client, "admin@base.example.com")
    number = gold_p2_case_new.number
    assert client.get(f"/api/v1/cases/{number}", headers=headers).status_code == 404
    assert (
        client.post(
            f"/api/v1/cases/{number}/messages", json={"body": "x"}, headers=headers
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/cases/{number}/close", headers=headers).status_code == 404
    upload = client.post(
        f"/api/v1/cases/{number}/attachments",
        data={"file": (io.BytesIO(b"x"), "x.log")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert upload.status_code == 404
    assert client.get("/api/v1/cases", headers=headers).get_json()["total"] == 0


def test_staff_public_reply_through_the_api_records_the_first_response(
    client, gold_p2_case_new, tse
):
    headers = token(client, "tse@support.example.com")
    response = client.post(
        f"/api/v1/cases/{gold_p2_case_new.number}/messages",
        json={"body": "On it."},
        headers=headers,
    )
    assert response.status_code == 201 and response.get_json()["from_support"] is True
    db.session.expire_all()
    case = db.session.scalar(select(Case))
    assert case.first_response_at is not None and case.response_met is not None


def test_customer_message_asking_to_escalate_via_api(client, gold_api, gold_p2_case_new):
    client.post(
        f"/api/v1/cases/{gold_p2_case_new.number}/messages",
        json={"body": "PLEASE ESCALATE."},
        headers=gold_api,
    )
    assert client.get(f"/api/v1/cases/{gold_p2_case_new.number}", headers=gold_api).get_json()[
        "escalated"
    ]


def test_empty_message_is_422(client, gold_api, gold_p2_case_new):
    response = client.post(
        f"/api/v1/cases/{gold_p2_case_new.number}/messages", json={"body": 5}, headers=gold_api
    )
    assert response.status_code == 422


def test_internal_notes_are_left_out_of_the_customers_api_answer(
    client, gold_api, gold_p2_case_new, tse
):
    add_internal_note(gold_p2_case_new, tse, "SECRET-NOTE")
    post_message(gold_p2_case_new, tse, "PUBLIC-REPLY")
    db.session.commit()
    response = client.get(f"/api/v1/cases/{gold_p2_case_new.number}", headers=gold_api)
    assert response.status_code == 200
    data = response.get_json()
    assert [m["body"] for m in data["messages"]] == ["PUBLIC-REPLY"]
    assert "SECRET-NOTE" not in str(data)


def test_attachment_upload_through_the_api(client, gold_api, gold_p2_case_new):
    response = client.post(
        f"/api/v1/cases/{gold_p2_case_new.number}/attachments",
        data={"file": (io.BytesIO(b"bugreport" * 10), "host-bugreport.tar.gz")},
        headers=gold_api,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    assert response.get_json()["name"] == "host-bugreport.tar.gz"
    assert db.session.scalar(select(Attachment)).size == 90


@pytest.mark.parametrize("app_config", [{"MAX_ATTACHMENT_BYTES": 100}])
def test_oversized_api_attachment_is_413_json(client, gold_api, gold_p2_case_new):
    response = client.post(
        f"/api/v1/cases/{gold_p2_case_new.number}/attachments",
        data={"file": (io.BytesIO(b"x" * 1000), "core")},
        headers=gold_api,
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and "limit" in response.get_json()["error"]["message"]
    assert db.session.scalar(select(Attachment)) is None


def test_close_and_reopen_through_the_api(client, gold_api, gold_p2_case_new):
    closed = client.post(f"/api/v1/cases/{gold_p2_case_new.number}/close", headers=gold_api)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    again = client.post(f"/api/v1/cases/{gold_p2_case_new.number}/close", headers=gold_api)
    assert again.status_code == 409
    reopened = client.post(f"/api/v1/cases/{gold_p2_case_new.number}/reopen", headers=gold_api)
    assert reopened.get_json()["status"] == "waiting_on_support"


def test_every_case_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/messages",
        "/api/v1/cases/{number}/attachments",
        "/api/v1/cases/{number}/close",
        "/api/v1/cases/{number}/reopen",
    ):
        assert path in paths
