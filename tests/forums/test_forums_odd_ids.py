"""Ids no post or topic could have are a 404, never an overflow in the database driver."""

import pytest

TOO_LARGE = "9" * 20  # beyond any database integer


def test_a_topic_id_beyond_any_row_is_not_found(client, topic_with_reply):
    assert client.get(f"/forums/topics/{TOO_LARGE}").status_code == 404
    assert client.get(f"/forums/posts/{TOO_LARGE}/history").status_code == 404


def test_marking_an_impossible_post_as_the_answer_is_not_found(client, auth, topic_with_reply):
    topic, _post = topic_with_reply
    auth.login("asker@example.com")

    response = client.post(f"/forums/topics/{topic.id}/solution", data={"post_id": TOO_LARGE})

    assert response.status_code == 404
    assert topic.solved_post_id is None


@pytest.mark.parametrize("post_id", [int(TOO_LARGE), -1])
def test_api_answer_with_an_impossible_post_id_is_a_json_404(client, topic_with_reply, post_id):
    topic, _post = topic_with_reply
    token = client.post(
        "/api/v1/tokens", json={"email": "asker@example.com", "password": "correct-horse-battery"}
    ).get_json()["token"]

    response = client.post(
        f"/api/v1/topics/{topic.id}/solution",
        json={"post_id": post_id},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert topic.solved_post_id is None
