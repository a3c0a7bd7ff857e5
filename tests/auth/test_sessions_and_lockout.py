"""Sessions and tokens end when they should, and guessing passwords slows only the guesser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import ApiToken, LoginFailure, LoginSession, OutgoingMail
from portal.models.types import utcnow
from tests.conftest import PASSWORD, make_user

ELSEWHERE = {"REMOTE_ADDR": "203.0.113.9"}


def _session_cookie(client) -> str:
    return client.get_cookie("session", domain="portal.test").value


def _api_token(client, email="sam@example.com", name=None, environ=None) -> str:
    body = {"email": email, "password": PASSWORD} | ({"name": name} if name else {})
    response = client.post("/api/v1/tokens", json=body, environ_base=environ or {})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_session_cookie_replayed_after_logout_is_refused(client, auth):
    make_user("sam@example.com")
    auth.login("sam@example.com")
    stolen = _session_cookie(client)
    assert client.get("/account/").status_code == 200
    auth.logout()
    client.set_cookie("session", stolen, domain="portal.test")
    response = client.get("/account/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.query(LoginSession).count() == 0


def test_changing_the_password_ends_other_sessions_and_every_api_token(app, client, auth):
    make_user("sam@example.com")
    other = app.test_client()
    other.post("/login", data={"email": "sam@example.com", "password": PASSWORD})
    assert other.get("/account/").status_code == 200
    token = _api_token(client)
    auth.login("sam@example.com")
    new = "a-brand-new-passphrase"
    changed = client.post(
        "/account/password", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert changed.status_code == 302
    assert client.get("/account/").status_code == 200  # the one who changed it stays in
    assert other.get("/account/").status_code == 302  # the other browser is logged out
    refused = client.get("/api/v1/me", headers=_bearer(token))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"


def test_a_password_reset_revokes_the_accounts_api_tokens(client):
    make_user("sam@example.com")
    token = _api_token(client)
    client.post("/reset-password", data={"email": "sam@example.com"})
    mail = db.session.query(OutgoingMail).filter_by(recipient="sam@example.com").one()
    path = re.search(r"https?://portal\.test(/reset-password/\S+)", mail.text_body).group(1)
    new = "a-brand-new-passphrase"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_api_tokens_are_listed_and_revoked_through_the_api(client):
    make_user("sam@example.com")
    make_user("eve@example.com")
    ci = _api_token(client, name="CI pipeline")
    laptop = _api_token(client, name="Laptop")
    theirs = _api_token(client, email="eve@example.com")
    listed = client.get("/api/v1/tokens", headers=_bearer(ci)).get_json()
    assert listed["total"] == 2
    by_name = {t["name"]: t for t in listed["results"]}
    assert by_name["CI pipeline"]["current"] and not by_name["Laptop"]["current"]
    assert "token" not in by_name["Laptop"]  # shown once, when created
    revoked = client.delete(f"/api/v1/tokens/{by_name['Laptop']['id']}", headers=_bearer(ci))
    assert revoked.status_code == 200 and revoked.get_json()["revoked"] is True
    assert client.get("/api/v1/me", headers=_bearer(laptop)).status_code == 401
    # Someone else's token is not yours to revoke, nor to learn about.
    eves = db.session.query(ApiToken).filter(ApiToken.name.is_(None)).one()
    refused = client.delete(f"/api/v1/tokens/{eves.id}", headers=_bearer(ci))
    assert refused.status_code == 404
    assert client.get("/api/v1/me", headers=_bearer(theirs)).status_code == 200
    # A token may revoke itself.
    assert client.delete(f"/api/v1/tokens/{by_name['CI pipeline']['id']}", headers=_bearer(ci))
    assert client.get("/api/v1/tokens", headers=_bearer(ci)).status_code == 401


def test_api_tokens_are_listed_and_revoked_on_the_account_page(client, auth):
    make_user("sam@example.com")
    token = _api_token(client, name="Nightly export")
    auth.login("sam@example.com")
    page = client.get("/account/").get_data(as_text=True)
    assert "Nightly export" in page and "Revoke" in page
    record = db.session.query(ApiToken).one()
    response = client.post(f"/account/tokens/{record.id}/revoke", follow_redirects=True)
    assert "Nightly export is revoked" in response.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert "You have no API tokens" in client.get("/account/").get_data(as_text=True)


def test_log_out_everywhere_else_keeps_only_this_session(app, client, auth):
    make_user("sam@example.com")
    other = app.test_client()
    other.post("/login", data={"email": "sam@example.com", "password": PASSWORD})
    auth.login("sam@example.com")
    response = client.post("/account/sessions/others", follow_redirects=True)
    assert "Logged out of 1 other session." in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302


@pytest.mark.parametrize("app_config", [{"LOGIN_FREE_ATTEMPTS": 3}])
def test_the_login_form_and_token_endpoint_share_one_failed_attempt_budget(client, app_config):
    make_user("sam@example.com")
    wrong = {"email": "sam@example.com", "password": "wrong-password"}
    assert client.post("/login", data=wrong).status_code == 401
    assert client.post("/api/v1/tokens", json=wrong).status_code == 401
    assert client.post("/login", data=wrong).status_code == 401
    locked = client.post("/api/v1/tokens", json={"email": "sam@example.com", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.get_json()["error"]["code"] == "locked_out"
    # The right password from another address still works: a guesser cannot lock Sam out.
    elsewhere = client.post(
        "/login", data={"email": "sam@example.com", "password": PASSWORD}, environ_base=ELSEWHERE
    )
    assert elsewhere.status_code == 302


@pytest.mark.parametrize("app_config", [{"LOGIN_FREE_ATTEMPTS": 2, "LOGIN_LOCK_SECONDS": 30}])
def test_each_failure_past_the_free_ones_doubles_the_wait(client, app_config):
    make_user("sam@example.com")
    wrong = {"email": "sam@example.com", "password": "wrong-password"}
    waits = []
    for _ in range(5):
        assert client.post("/login", data=wrong).status_code == 401
        row = db.session.query(LoginFailure).one()
        db.session.refresh(row)
        if row.locked_until:
            waits.append(round((row.locked_until - row.last_failed_at).total_seconds()))
            # While it waits, even the right password is not checked.
            assert client.post("/login", data=wrong | {"password": PASSWORD}).status_code == 429
            row.locked_until = utcnow() - timedelta(seconds=1)  # the wait passes
            db.session.commit()
    assert waits == [30, 60, 120, 240]
    # The mail with the unlock link went out once, when the first wait began.
    mails = db.session.query(OutgoingMail).filter_by(template="login_unlock").all()
    assert len(mails) == 1 and mails[0].recipient == "sam@example.com"


@pytest.mark.parametrize("app_config", [{"LOGIN_FREE_ATTEMPTS": 2}])
def test_the_mailed_unlock_link_lifts_the_wait_at_once(client, app_config):
    make_user("sam@example.com")
    wrong = {"email": "sam@example.com", "password": "wrong-password"}
    for _ in range(2):
        client.post("/login", data=wrong)
    right = {"email": "sam@example.com", "password": PASSWORD}
    assert client.post("/login", data=right).status_code == 429
    mail = db.session.query(OutgoingMail).filter_by(template="login_unlock").one()
    path = re.search(r"https?://portal\.test(/unlock/\S+)", mail.text_body).group(1)
    assert "Unlock my account" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 302
    assert db.session.query(LoginFailure).count() == 0
    assert client.post("/login", data=right).status_code == 302
    assert client.post("/unlock/forged.token.value").status_code == 400


@pytest.mark.parametrize("app_config", [{"LOGIN_FREE_ATTEMPTS": 2}])
def test_unknown_accounts_are_throttled_alike_and_mail_nobody(client, app_config):
    wrong = {"email": "ghost@example.com", "password": "wrong-password"}
    assert [client.post("/login", data=wrong).status_code for _ in range(3)] == [401, 401, 429]
    assert db.session.query(OutgoingMail).count() == 0
