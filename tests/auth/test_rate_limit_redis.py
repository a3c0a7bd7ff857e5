"""Rate limits shared through Redis, as when several app servers stand behind a balancer."""

import os

import pytest

from tests.conftest import make_user

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="set PORTAL_TEST_REDIS_URL to run")


@pytest.fixture
def app_config():
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "LOGIN_LIMIT_PER_ACCOUNT": "2 per minute",
    }


def test_two_app_servers_share_the_login_limit(app, app_config, database_url, tmp_path):
    from portal import create_app

    make_user("shared@example.com")
    second = create_app(dict(app.config) | {"RATELIMIT_STORAGE_URI": REDIS_URL})
    first_client, second_client = app.test_client(), second.test_client()
    data = {"email": "shared@example.com", "password": "wrong-password"}
    assert first_client.post("/login", data=data).status_code == 401
    assert second_client.post("/login", data=data).status_code == 401
    assert first_client.post("/login", data=data).status_code == 429
