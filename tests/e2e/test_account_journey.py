"""Register, log out, log in and change time zone, in a real browser, checked by axe-core."""

import re

from portal.extensions import db
from portal.models import OutgoingMail, User
from tests.e2e.conftest import assert_accessible


def test_register_log_in_and_change_time_zone(page):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Register").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("journey@example.com")
    page.get_by_label("Your name").fill("Jo Journey")
    page.get_by_label("Password").fill("silver-lantern-harbour")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(page)

    # The account is made from the mailed link, so nobody can learn whether an address is taken.
    db.session.expire_all()
    mail = db.session.query(OutgoingMail).filter_by(recipient="journey@example.com").one()
    page.goto(re.search(r"https?://\S+(/register/\S+)", mail.text_body).group(1))
    page.get_by_role("button", name="Create my account").click()
    page.get_by_text("Your evaluation account is ready").wait_for()

    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You are logged out").wait_for()

    page.get_by_role("link", name="Log in").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("journey@example.com")
    page.get_by_label("Password").fill("silver-lantern-harbour")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Welcome back, Jo Journey").wait_for()

    page.get_by_role("link", name="Jo Journey").click()
    assert_accessible(page)
    page.get_by_label("Time zone").select_option("Australia/Sydney")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your account is saved").wait_for()
    assert page.get_by_label("Time zone").input_value() == "Australia/Sydney"

    db.session.expire_all()
    assert db.session.query(User).filter_by(email="journey@example.com").one().timezone == (
        "Australia/Sydney"
    )


def test_wrong_password_shows_a_message_beside_the_field(page):
    page.goto("/login")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not-a-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("do not match an account").wait_for()
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
    assert_accessible(page)


def test_self_help_page_is_accessible_to_visitors(page):
    page.goto("/cases/new")
    page.get_by_role("heading", name="Let's find you an answer").wait_for()
    assert_accessible(page)
    page.goto("/support/")
    assert_accessible(page)
