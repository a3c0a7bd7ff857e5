"""The forums and ideas JSON API (CONTRACT.md)."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.forums.seed import ensure_categories
from portal.models import Idea, Post, Role
from tests.conftest import PASSWORD, make_user


def _headers(client, email: str) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def forums(app) -> None:
    ensure_categories()
    db.session.commit()


def test_forum_list_is_public(client, forums) -> None:
    body = client.get("/api/v1/forums").get_json()
    assert body["total"] == 6
    assert {"slug", "name", "topics", "url"} <= set(body["results"][0])


def test_topic_reply_and_solution_through_the_api(client, forums) -> None:
    make_user("asker@example.com", Role.CUSTOMER)
    make_user("helper@example.com")
    asker, helper = _headers(client, "asker@example.com"), _headers(client, "helper@example.com")
    created = client.post(
        "/api/v1/forums/storage/topics",
        json={"title": "iSCSI drops", "body": "Why?"},
        headers=asker,
    )
    assert created.status_code == 201
    topic = created.get_json()
    assert set(topic) == {"id", "url"} and topic["url"] == f"/forums/topics/{topic['id']}"
    reply = client.post(
        f"/api/v1/topics/{topic['id']}/posts", json={"body": "Check the MTU"}, headers=helper
    )
    assert reply.status_code == 201
    post_id = reply.get_json()["id"]
    refused = client.post(
        f"/api/v1/topics/{topic['id']}/solution", json={"post_id": post_id}, headers=helper
    )
    assert refused.status_code == 403
    solved = client.post(
        f"/api/v1/topics/{topic['id']}/solution", json={"post_id": post_id}, headers=asker
    )
    assert solved.status_code == 200 and solved.get_json()["solved_post_id"] == post_id


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"body": ""}, 422),
        ({"body": "   "}, 422),
        ({"body": 5}, 422),
        ({}, 422),
        ({"body": "z" * (100 * 1024 + 10)}, 413),
    ],
)
def test_bad_replies_get_clear_json_errors(client, forums, payload, status) -> None:
    make_user("asker@example.com")
    headers = _headers(client, "asker@example.com")
    topic = client.post(
        "/api/v1/forums/storage/topics", json={"title": "T", "body": "B"}, headers=headers
    ).get_json()
    response = client.post(f"/api/v1/topics/{topic['id']}/posts", json=payload, headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]
    assert db.session.query(Post).count() == 1


def test_posting_needs_a_token_and_a_real_category(client, forums) -> None:
    assert client.post("/api/v1/forums/storage/topics", json={"title": "a"}).status_code == 401
    make_user("asker@example.com")
    headers = _headers(client, "asker@example.com")
    missing = client.post(
        "/api/v1/forums/nope/topics", json={"title": "a", "body": "b"}, headers=headers
    )
    assert missing.status_code == 404


def test_locked_topic_refuses_api_replies(client, forums) -> None:
    make_user("asker@example.com")
    make_user("tse@example.com", Role.TSE)
    headers = _headers(client, "asker@example.com")
    topic = client.post(
        "/api/v1/forums/storage/topics", json={"title": "T", "body": "B"}, headers=headers
    ).get_json()
    from portal.models import Topic

    db.session.get(Topic, topic["id"]).locked = True
    db.session.commit()
    response = client.post(
        f"/api/v1/topics/{topic['id']}/posts", json={"body": "x"}, headers=headers
    )
    assert response.status_code == 409 and "locked" in response.get_json()["error"]["message"]


def test_ideas_need_the_terms_then_vote_once(client) -> None:
    make_user("idea@example.com")
    headers = _headers(client, "idea@example.com")
    refused = client.post("/api/v1/ideas", json={"title": "A", "body": "B"}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "terms_not_accepted"
    assert db.session.query(Idea).count() == 0
    created = client.post(
        "/api/v1/ideas", json={"title": "A", "body": "B", "accept_terms": True}, headers=headers
    )
    assert created.status_code == 201
    idea_id = created.get_json()["id"]
    vote = client.post(f"/api/v1/ideas/{idea_id}/vote", headers=headers)
    assert vote.get_json() == {"id": idea_id, "votes": 1, "voted": True}
    twice = client.post(f"/api/v1/ideas/{idea_id}/vote", headers=headers)
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "conflict"
    withdrawn = client.delete(f"/api/v1/ideas/{idea_id}/vote", headers=headers)
    assert withdrawn.get_json() == {"id": idea_id, "votes": 0, "voted": False}


def test_only_product_managers_patch_the_status(client) -> None:
    make_user("idea@example.com")
    make_user("pm@example.com", Role.PRODUCT_MANAGER)
    author, pm = _headers(client, "idea@example.com"), _headers(client, "pm@example.com")
    idea_id = client.post(
        "/api/v1/ideas", json={"title": "A", "body": "B", "accept_terms": True}, headers=author
    ).get_json()["id"]
    body = {"status": "planned", "note": "Next release"}
    assert client.patch(f"/api/v1/ideas/{idea_id}", json=body, headers=author).status_code == 403
    bad = client.patch(f"/api/v1/ideas/{idea_id}", json={"status": "soon"}, headers=pm)
    assert bad.status_code == 422
    ok = client.patch(f"/api/v1/ideas/{idea_id}", json=body, headers=pm)
    assert ok.status_code == 200
    assert ok.get_json()["status"] == "planned" and ok.get_json()["status_note"] == "Next release"
    shipped = {"status": "shipped", "note": "In today's release"}  # CONTRACT.md's shape
    done = client.patch(f"/api/v1/ideas/{idea_id}", json=shipped, headers=pm)
    assert done.status_code == 200 and done.get_json()["status"] == "shipped"


def test_the_openapi_document_lists_the_forum_and_idea_routes(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/forums",
        "/api/v1/forums/{slug}/topics",
        "/api/v1/topics/{topic_id}/posts",
        "/api/v1/topics/{topic_id}/solution",
        "/api/v1/ideas",
        "/api/v1/ideas/{idea_id}/vote",
        "/api/v1/ideas/{idea_id}",
    ):
        assert path in paths


def test_the_board_is_listed_sorted_filtered_and_paged(client) -> None:
    make_user("idea@example.com")
    make_user("pm@example.com", Role.PRODUCT_MANAGER)
    author, pm = _headers(client, "idea@example.com"), _headers(client, "pm@example.com")
    ids = [
        client.post(
            "/api/v1/ideas",
            json={"title": f"Idea {n}", "body": "B", "accept_terms": True},
            headers=author,
        ).get_json()["id"]
        for n in range(3)
    ]
    client.post(f"/api/v1/ideas/{ids[1]}/vote", headers=author)
    client.patch(f"/api/v1/ideas/{ids[2]}", json={"status": "planned"}, headers=pm)

    public = client.get("/api/v1/ideas").get_json()
    assert public["total"] == 3 and public["page"] == 1
    assert public["results"][0]["id"] == ids[1] and public["results"][0]["votes"] == 1
    assert "voted" not in public["results"][0]
    mine = client.get("/api/v1/ideas", headers=author).get_json()["results"]
    assert {r["id"]: r["voted"] for r in mine} == {ids[0]: False, ids[1]: True, ids[2]: False}
    newest = client.get("/api/v1/ideas?sort=newest").get_json()["results"]
    assert [r["id"] for r in newest] == list(reversed(ids))
    planned = client.get("/api/v1/ideas?status=planned").get_json()
    assert [r["id"] for r in planned["results"]] == [ids[2]] and planned["total"] == 1
    assert client.get("/api/v1/ideas?page=abc").get_json()["page"] == 1
    for bad in ("sort=loudest", "status=someday"):
        response = client.get(f"/api/v1/ideas?{bad}")
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid"

    one = client.get(f"/api/v1/ideas/{ids[1]}", headers=author).get_json()
    assert one["title"] == "Idea 1" and one["voted"] is True and one["edited_at"] is None
    assert client.get("/api/v1/ideas/999999").status_code == 404


def test_authors_edit_their_new_idea_through_patch_but_not_once_it_is_reviewed(client) -> None:
    make_user("idea@example.com")
    make_user("other@example.com")
    make_user("pm@example.com", Role.PRODUCT_MANAGER)
    author, other = _headers(client, "idea@example.com"), _headers(client, "other@example.com")
    pm = _headers(client, "pm@example.com")
    idea_id = client.post(
        "/api/v1/ideas",
        json={"title": "Snapshots", "body": "B", "accept_terms": True},
        headers=author,
    ).get_json()["id"]
    url = f"/api/v1/ideas/{idea_id}"

    edited = client.patch(url, json={"body": "Nightly snapshots, per VM."}, headers=author)
    assert edited.status_code == 200
    assert edited.get_json()["body"] == "Nightly snapshots, per VM."
    assert edited.get_json()["title"] == "Snapshots" and edited.get_json()["edited_at"]
    stranger = client.patch(url, json={"title": "Mine now"}, headers=other)
    assert stranger.status_code == 403
    empty = client.patch(url, json={"title": "  "}, headers=author)
    assert empty.status_code == 422
    assert client.patch(url, json={"note": "only a note"}, headers=pm).status_code == 422

    client.patch(url, json={"status": "under_review"}, headers=pm)
    late = client.patch(url, json={"title": "Something else"}, headers=author)
    assert late.status_code == 409 and "voters" in late.get_json()["error"]["message"]
    tidied = client.patch(url, json={"title": "Scheduled VM snapshots"}, headers=pm)
    assert tidied.status_code == 200 and tidied.get_json()["status"] == "under_review"
    assert client.get(url).get_json()["title"] == "Scheduled VM snapshots"


def test_the_api_asks_for_the_terms_on_a_first_feature_request_topic(client, forums) -> None:
    make_user("idea@example.com")
    headers = _headers(client, "idea@example.com")
    body = {"title": "Snapshots", "body": "Nightly"}
    url = "/api/v1/forums/feature-requests/topics"
    refused = client.post(url, json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "terms_not_accepted"
    assert client.post(url, json=body | {"accept_terms": True}, headers=headers).status_code == 201
    assert client.post(url, json=body, headers=headers).status_code == 201  # accepted once
    assert client.post("/api/v1/ideas", json=body, headers=headers).status_code == 201
