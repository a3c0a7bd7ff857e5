"""With CSRF protection on (as in production), each editor renders its form's token and
refuses a post without it, changing nothing."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from portal import search
from portal.extensions import db
from portal.models import Article, Role
from tests.conftest import PASSWORD, make_user

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture(autouse=True)
def _close_searchers():
    yield
    search.close_all()


def token_on(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    found = TOKEN.search(response.get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def log_in(client: FlaskClient, email: str, role: Role) -> None:
    make_user(email, role)
    data = {"email": email, "password": PASSWORD, "csrf_token": token_on(client, "/login")}
    assert client.post("/login", data=data).status_code == 302


ARTICLE = {"title": "Bonding two NICs", "body": "Run `xe bond-create`.", "action": "draft"}


def test_the_kb_editor_refuses_a_post_without_its_token(client):
    log_in(client, "writer@example.com", Role.KB_ENGINEER)

    refused = client.post("/kb/new", data=ARTICLE)
    assert refused.status_code == 400
    assert db.session.query(Article).count() == 0

    token = token_on(client, "/kb/new")
    assert client.post("/kb/new", data=ARTICLE | {"csrf_token": token}).status_code == 302
    assert db.session.query(Article).count() == 1


def test_the_docs_editor_refuses_a_post_without_its_token(client):
    from portal.models import DocPage

    log_in(client, "writer@example.com", Role.KB_ENGINEER)
    page = {"title": "Installing", "slug": "installing", "product": "XenServer", "guide": "Setup"}

    assert client.post("/docs/new", data=page).status_code == 400
    assert db.session.query(DocPage).count() == 0
    token = token_on(client, "/docs/new")
    assert client.post("/docs/new", data=page | {"csrf_token": token}).status_code == 302


def test_the_release_editor_refuses_a_post_without_its_token(client):
    from portal.models import Release

    log_in(client, "manager@example.com", Role.MANAGER)
    release = {"product": "XenServer", "version": "4.1.2", "kind": "minor"}

    assert client.post("/releases/new", data=release).status_code == 400
    assert db.session.query(Release).count() == 0
    token = token_on(client, "/releases/new")
    assert client.post("/releases/new", data=release | {"csrf_token": token}).status_code == 302


def test_the_sla_table_refuses_a_post_without_its_token(client):
    from portal.models import PolicyRecord
    from tests.admin.test_admin_pages import _sla_form

    log_in(client, "root@example.com", Role.ADMIN)

    assert client.post("/admin/sla", data=_sla_form()).status_code == 400
    assert db.session.query(PolicyRecord).count() == 0
    token = token_on(client, "/admin/sla")
    assert client.post("/admin/sla", data=_sla_form(csrf_token=token)).status_code == 302
    assert db.session.query(PolicyRecord).count() == 1


def test_the_staff_case_tools_refuse_a_post_without_their_token(client, gold_contact, contoso):
    from portal.models import CaseMessage
    from tests.staff.conftest import make_gold_p3_case

    case = make_gold_p3_case(gold_contact, contoso)
    log_in(client, "tse@example.com", Role.TSE)
    note = {"body": "Probably the VNC proxy."}

    assert client.post(f"/staff/cases/{case.number}/note", data=note).status_code == 400
    assert db.session.query(CaseMessage).count() == 0
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 8 and 'id="csrf_token"' not in page  # many forms
    token = token_on(client, f"/cases/{case.number}")
    response = client.post(f"/staff/cases/{case.number}/note", data=note | {"csrf_token": token})
    assert response.status_code == 302
    assert db.session.query(CaseMessage).filter_by(public=False).count() == 1
