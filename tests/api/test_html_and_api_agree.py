"""The browser and the API give the same person the same answer: allowed in one means allowed
in the other, refused in one means refused in the other, and the size limits are 413 in both."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from portal.kb import service as kb_service
from portal.models import Case, Role
from tests.conftest import PASSWORD, FreshRequestClient, make_case, make_contact, make_user

PEOPLE = {
    "support administrator": "admin@gold.example.com",
    "license administrator": "licences@gold.example.com",
    "other organisation": "admin@base.example.com",
    "tse": "tse@support.example.com",
    "manager": "manager@support.example.com",
    "kb engineer": "writer@support.example.com",
}


@pytest.fixture
def people(app: Flask, gold_contact, base_contact, contoso) -> dict[str, str]:  # noqa: ANN001
    from portal.models import ContactKind

    make_contact(contoso, email="licences@gold.example.com", kinds=(ContactKind.LICENSE_ADMIN,))
    make_user("tse@support.example.com", Role.TSE, name="Tomas Tanaka")
    make_user("manager@support.example.com", Role.MANAGER, name="Maya Moreno")
    make_user("writer@support.example.com", Role.KB_ENGINEER, name="Wen Writer")
    return PEOPLE


@pytest.fixture
def gold_case(people, gold_contact, contoso) -> Case:  # noqa: ANN001
    return make_case(gold_contact, contoso)


def _browser(app: Flask, email: str) -> FlaskClient:
    app.test_client_class = FreshRequestClient
    browser = app.test_client()
    assert browser.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return browser


def _bearer(app: Flask, email: str) -> dict[str, str]:
    response = app.test_client().post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _allowed(status: int) -> bool:
    assert status < 500, status
    return status < 400


@pytest.mark.parametrize("who", list(PEOPLE))
def test_adding_a_file_to_a_case_is_allowed_alike(app, people, gold_case, who) -> None:  # noqa: ANN001
    email = people[who]
    html = _browser(app, email).post(
        f"/cases/{gold_case.number}/attachments",
        data={"attachments": (io.BytesIO(b"patch\n"), "hotfix.txt")},
        content_type="multipart/form-data",
    )
    api = app.test_client().post(
        f"/api/v1/cases/{gold_case.number}/attachments",
        data={"file": (io.BytesIO(b"patch\n"), "hotfix.txt")},
        content_type="multipart/form-data",
        headers=_bearer(app, email),
    )
    assert _allowed(html.status_code) == _allowed(api.status_code), (html.status, api.status)
    expected = who in ("support administrator", "tse", "manager")
    assert _allowed(api.status_code) is expected


def test_support_staff_see_the_upload_form_in_their_workspace(app, people, gold_case) -> None:  # noqa: ANN001
    page = _browser(app, PEOPLE["tse"]).get(f"/cases/{gold_case.number}")
    assert f'action="/cases/{gold_case.number}/attachments"' in page.get_data(as_text=True)


@pytest.mark.parametrize("who", list(PEOPLE))
def test_reading_a_draft_article_is_allowed_alike(app, people, who) -> None:  # noqa: ANN001
    kb_service.save_article(
        None,
        {
            "title": "Guests lose their network after XenMotion",
            "slug": "xenmotion-network",
            "product": "XenServer",
            "body": "Reboot the guest after migrating it.",
            "status": "draft",
        },
        None,
    )
    db.session.commit()
    email = people[who]
    html = _browser(app, email).get("/kb/xenmotion-network")
    api = app.test_client().get(
        "/api/v1/kb/articles/xenmotion-network", headers=_bearer(app, email)
    )
    assert _allowed(html.status_code) == _allowed(api.status_code), (html.status, api.status)
    assert _allowed(api.status_code) is (who in ("tse", "manager", "kb engineer"))


@pytest.mark.parametrize("app_config", [{"MAX_JSON_BYTES": 4096, "MAX_ATTACHMENT_BYTES": 1000}])
def test_the_size_limits_are_413_in_the_browser_and_the_api(app, people, gold_case) -> None:  # noqa: ANN001
    email = PEOPLE["support administrator"]
    headers = _bearer(app, email)
    too_long = app.test_client().post(
        f"/api/v1/cases/{gold_case.number}/messages", json={"body": "x" * 5000}, headers=headers
    )
    assert too_long.status_code == 413
    assert too_long.get_json()["error"]["code"]

    big = b"x" * 5000
    html = _browser(app, email).post(
        f"/cases/{gold_case.number}/attachments",
        data={"attachments": (io.BytesIO(big), "core.dump")},
        content_type="multipart/form-data",
    )
    api = app.test_client().post(
        f"/api/v1/cases/{gold_case.number}/attachments",
        data={"file": (io.BytesIO(big), "core.dump")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert html.status_code == api.status_code == 413
