"""A reply refused by the rate limit says so in the browser and keeps the typed text."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.forums import service
from portal.forums.seed import ensure_categories
from portal.models import Role
from tests.conftest import PASSWORD, make_user


@pytest.fixture
def app_config() -> dict[str, object]:
    return {
        "WTF_CSRF_ENABLED": True,
        "SERVER_NAME": None,
        "RATELIMIT_ENABLED": True,
        "FORUM_POST_LIMIT": "1 per minute",
    }


def test_a_rate_limited_htmx_reply_explains_itself(page) -> None:  # noqa: ANN001
    ensure_categories()
    asker = make_user("asker@example.com", Role.CUSTOMER, name="Avery Asker")
    topic = service.create_topic(service.find_category("storage"), asker, "Slow disk", "Why?")
    db.session.commit()
    page.goto("/login")
    page.get_by_label("Email").fill("asker@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/forums/topics/{topic.id}")
    page.get_by_label("Your reply").fill("First")
    page.get_by_role("button", name="Post reply").click()
    page.get_by_text("Your reply is posted").wait_for()
    page.get_by_label("Your reply").fill("Second, too soon")
    page.get_by_role("button", name="Post reply").click()
    page.get_by_text("faster than the forums allow").wait_for()
    assert page.get_by_label("Your reply").input_value() == "Second, too soon"
