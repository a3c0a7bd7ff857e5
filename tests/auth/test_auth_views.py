import re

import pytest

from portal.extensions import db
from portal.models import OutgoingMail, User
from tests.conftest import PASSWORD, make_contact, make_organisation, make_user


def test_login_page_has_the_contract_field_names(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html


def test_login_with_the_right_password_starts_a_session(client, auth):
    make_user("sam@example.com")
    response = auth.login("SAM@example.com")
    assert response.status_code == 302
    assert "Sam Someone" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_clear_401(client, auth):
    make_user("sam@example.com")
    wrong = auth.login("sam@example.com", "not-the-password")
    unknown = auth.login("nobody@example.com", "whatever-password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "do not match an account" in response.get_data(as_text=True)


def test_login_ignores_an_offsite_next(client, auth):
    make_user("sam@example.com")
    response = client.post(
        "/login?next=https://evil.example.net/",
        data={"email": "sam@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_login_follows_a_local_next(client):
    make_user("sam@example.com")
    response = client.post(
        "/login?next=/account/", data={"email": "sam@example.com", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account/"


def test_logout_ends_the_session(client, auth):
    make_user("sam@example.com")
    auth.login("sam@example.com")
    auth.logout()
    assert client.get("/account/").status_code == 302


def test_login_replaces_the_session(client, auth):
    make_user("sam@example.com")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    assert auth.login("sam@example.com").status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session


def _mailed_link(recipient: str, path: str) -> str:
    mail = db.session.query(OutgoingMail).filter_by(recipient=recipient).one()
    return re.search(rf"https?://\S+({path}/\S+)", mail.text_body).group(1)


def test_registration_mails_a_link_that_creates_the_account_and_logs_in(client):
    response = client.post(
        "/register", data={"email": "new@example.com", "name": "Nia New", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/register/sent"
    assert db.session.query(User).filter_by(email="new@example.com").count() == 0
    link = _mailed_link("new@example.com", "/register")
    assert "Create my account" in client.get(link).get_data(as_text=True)
    assert client.post(link).status_code == 302
    user = db.session.query(User).filter_by(email="new@example.com").one()
    assert user.role == "evaluation" and user.name == "Nia New"
    assert "Nia New" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert (
        client.post("/login", data={"email": "new@example.com", "password": PASSWORD}).status_code
        == 302
    )
    # The link works once: the account exists now.
    client.post("/logout")
    again = client.post(link)
    assert again.status_code == 400 and "used already" in again.get_data(as_text=True)


def test_registering_a_taken_address_looks_the_same_and_mails_its_owner(client):
    make_user("taken@example.com")
    fresh = client.post(
        "/register", data={"email": "free@example.com", "name": "Fay Free", "password": PASSWORD}
    )
    taken = client.post(
        "/register", data={"email": "TAKEN@example.com", "name": "Tia Taken", "password": PASSWORD}
    )
    assert (taken.status_code, taken.headers["Location"]) == (
        fresh.status_code,
        fresh.headers["Location"],
    )
    page = client.get(taken.headers["Location"]).get_data(as_text=True)
    assert "Check your email" in page
    mail = db.session.query(OutgoingMail).filter_by(recipient="taken@example.com").one()
    assert "already has an account" in mail.text_body and "/reset-password" in mail.text_body
    assert db.session.query(User).count() == 1
    user = db.session.query(User).filter_by(email="taken@example.com").one()
    assert user.name == "Sam Someone"  # nothing of the account changed


def test_weak_password_at_registration_is_refused(client):
    response = client.post(
        "/register", data={"email": "weak@example.com", "name": "Wes Weak", "password": "short"}
    )
    assert response.status_code == 400
    assert "at least 10" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def _reset_link(recipient: str) -> str:
    mail = db.session.query(OutgoingMail).filter_by(recipient=recipient).one()
    return re.search(r"https?://\S+/reset-password/\S+", mail.text_body).group(0)


def test_password_reset_link_sets_a_new_password_once(client, auth):
    make_user("sam@example.com")
    response = client.post("/reset-password", data={"email": "sam@example.com"})
    assert response.status_code == 302
    path = _reset_link("sam@example.com").split("portal.test", 1)[1]
    new = "a-brand-new-passphrase"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    auth.logout()
    assert auth.login("sam@example.com", new).status_code == 302
    reused = client.post(
        path, data={"password": "another-passphrase", "confirm": "another-passphrase"}
    )
    assert reused.status_code == 400
    assert "used already" in reused.get_data(as_text=True)


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client):
    response = client.post(
        "/reset-password", data={"email": "ghost@example.com"}, follow_redirects=True
    )
    assert "If an account uses that email" in response.get_data(as_text=True)
    assert db.session.query(OutgoingMail).count() == 0


def test_tampered_reset_link_is_refused(client):
    response = client.get("/reset-password/not-a-real-token.abc.def")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"PASSWORD_RESET_MAX_AGE": -1}])
def test_expired_reset_link_is_refused(client, app_config):
    make_user("sam@example.com")
    client.post("/reset-password", data={"email": "sam@example.com"})
    path = _reset_link("sam@example.com").split("portal.test", 1)[1]
    response = client.get(path)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_account_page_changes_name_and_time_zone(client, auth):
    user = make_user("sam@example.com")
    auth.login("sam@example.com")
    response = client.post("/account/", data={"name": "Sam Renamed", "timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.timezone) == ("Sam Renamed", "Asia/Tokyo")


def test_account_page_refuses_an_unknown_time_zone(client, auth):
    make_user("sam@example.com")
    auth.login("sam@example.com")
    response = client.post("/account/", data={"name": "Sam", "timezone": "Nowhere/Land"})
    assert response.status_code == 400


def test_changing_password_needs_the_current_one(client, auth):
    make_user("sam@example.com")
    auth.login("sam@example.com")
    new = "a-brand-new-passphrase"
    wrong = client.post(
        "/account/password", data={"current_password": "nope", "password": new, "confirm": new}
    )
    assert wrong.status_code == 400
    assert "not your current password" in wrong.get_data(as_text=True)
    right = client.post(
        "/account/password", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert right.status_code == 302
    assert client.get("/account/").status_code == 200  # still logged in under the new password


def test_account_page_needs_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_form_without_csrf_token_is_refused_and_saves_nothing(client, app_config):
    response = client.post(
        "/register", data={"email": "csrf@example.com", "name": "Cee", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "send it again" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


@pytest.mark.parametrize("app_config", [{"LOGIN_FREE_ATTEMPTS": 3}])
def test_repeated_failed_logins_make_this_address_wait(client, auth, app_config):
    make_user("sam@example.com")
    for _ in range(3):
        assert auth.login("sam@example.com", "wrong-password").status_code == 401
    throttled = auth.login("sam@example.com", PASSWORD)
    assert throttled.status_code == 429
    assert "Too many failed log-in attempts" in throttled.get_data(as_text=True)
    # Another account from the same address is not locked out by it.
    make_user("other@example.com")
    assert auth.login("other@example.com").status_code == 302


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ADDRESS": "4 per minute"}]
)
def test_failed_logins_are_throttled_per_address(client, auth, app_config):
    for n in range(4):
        auth.login(f"guess{n}@example.com", "wrong-password")
    assert auth.login("guess9@example.com", "wrong-password").status_code == 429


def test_expired_contact_is_shown_self_help_not_an_error(client, auth):
    from datetime import date

    org = make_organisation("Lapsed Ltd", starts_on=date(2024, 1, 1), ends_on=date(2025, 1, 1))
    make_contact(org, email="lapsed@example.com")
    auth.login("lapsed@example.com")
    response = client.get("/cases/new")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Lapsed Ltd is no longer" in html and "Go to the customer forums" in html
    # Every page's footer links the partner directory; self-help offers it in the page itself.
    assert "Find a partner near you" in html


def test_evaluation_user_opening_case_form_gets_self_help(client, auth):
    make_user("eval@example.com")
    auth.login("eval@example.com")
    response = client.get("/cases/new")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="q"' in html and "Go to the customer forums" in html
    assert "Find a partner near you" in html
