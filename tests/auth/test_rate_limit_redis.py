"""Rate limits kept in Redis, as when several app servers stand behind a load balancer."""

import os

import pytest

from tests.conftest import make_user

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "")

# The tests that share the machine's Redis run on one pytest-xdist worker, one at a time.
pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="set PORTAL_TEST_REDIS_URL to run"),
    pytest.mark.xdist_group("redis"),
]


@pytest.fixture
def app_config():
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "LOGIN_LIMIT_PER_ADDRESS": "2 per minute",
    }


def test_failed_logins_are_counted_in_redis_and_throttled(client, app_config):
    import redis

    make_user("shared@example.com")
    data = {"email": "shared@example.com", "password": "wrong-password"}
    assert client.post("/login", data=data).status_code == 401
    assert client.post("/login", data=data).status_code == 401
    assert client.post("/login", data=data).status_code == 429
    keys = redis.Redis.from_url(REDIS_URL).keys("*auth.login*")
    assert keys, "the per-address counter should live in Redis, shared by every server"
