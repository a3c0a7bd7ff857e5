"""Posting is rate-limited per person."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"RATELIMIT_ENABLED": True, "FORUM_POST_LIMIT": "3 per minute"}


def test_a_fourth_reply_within_a_minute_is_refused_with_429(client, auth, topic_with_reply):
    topic, _ = topic_with_reply
    auth.login("helper@example.com", PASSWORD)
    codes = [
        client.post(f"/forums/topics/{topic.id}/reply", data={"body": f"n{i}"}).status_code
        for i in range(4)
    ]
    assert codes == [302, 302, 302, 429]
