"""GET /api/v1/kb/search and /kb/articles/<slug>; POST/PUT for KB engineers."""

import pytest
from flask import g

from portal import search
from portal.models import Role
from tests.conftest import PASSWORD, make_user
from tests.kb.conftest import make_article


@pytest.fixture(autouse=True)
def _forget_the_api_user_between_requests(app):
    """The test app context outlives each request, so `g` (where the API caches the bearer
    token's user) would carry one request's caller into the next; real requests don't share it."""

    def forget(sender, **extra):  # noqa: ANN001
        g.pop("api_user", None)

    from flask import request_started

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


def _headers(client, email, role):
    make_user(email, role)
    token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}).get_json()
    return {"Authorization": f"Bearer {token['token']}"}


def test_search_needs_no_token_and_answers_the_contract_shape(client, app):
    make_article()
    body = client.get("/api/v1/kb/search?q=nfs+storage").get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["suggestion"] is None
    result = body["results"][0]
    assert set(result) >= {"type", "slug", "title", "excerpt", "score", "url"}
    assert (result["type"], result["slug"], result["url"]) == (
        "article",
        "nfs-storage-repository",
        "/kb/nfs-storage-repository",
    )


BAD_SEARCHES = [
    ("q=", 200, None),
    ('q="*:(AND', 200, None),
    ("q=nfs&page=-1", 200, None),
    ("q=nfs&page=abc", 200, None),
    ("q=" + "x" * 1000, 200, None),
    ("q=" + "x" * 3000, 422, "invalid"),
    ("q=nfs&product=Toaster", 422, "unknown_product"),
    ("q=nfs&type=bogus", 422, "unknown_type"),
]


def test_search_bad_input_gets_json_not_a_500(client, app):
    make_article()
    for query, status, code in BAD_SEARCHES:
        response = client.get(f"/api/v1/kb/search?{query}")
        assert response.status_code == status and response.is_json, query
        assert (response.get_json().get("error") or {}).get("code") == code, query


def test_article_is_public_but_drafts_are_only_for_kb_engineers(client, app):
    make_article()
    make_article(slug="draft-one", title="Half-written", status="draft")
    body = client.get("/api/v1/kb/articles/nfs-storage-repository").get_json()
    assert (
        body["title"] == "Attaching an NFS storage repository" and "<h2>Steps</h2>" in body["html"]
    )
    assert body["versions"] == ["4.1", "5.0"] and body["status"] == "published"
    assert client.get("/api/v1/kb/articles/draft-one").status_code == 404
    headers = _headers(client, "writer@example.com", Role.KB_ENGINEER)
    assert client.get("/api/v1/kb/articles/draft-one", headers=headers).status_code == 200


def test_kb_engineer_creates_and_edits_and_changes_are_searchable_at_once(client, app):
    headers = _headers(client, "writer@example.com", Role.KB_ENGINEER)
    created = client.post(
        "/api/v1/kb/articles",
        headers=headers,
        json={"title": "Clock drift in Linux guests", "tags": ["time"], "body": "Use NTP."},
    )
    assert created.status_code == 201
    assert created.get_json()["slug"] == "clock-drift-in-linux-guests"
    assert search.search("clock drift").items[0].key == "clock-drift-in-linux-guests"
    updated = client.put(
        "/api/v1/kb/articles/clock-drift-in-linux-guests",
        headers=headers,
        json={"summary": "Keep guest clocks right with chrony", "status": "draft"},
    )
    assert updated.status_code == 200
    assert updated.get_json()["title"] == "Clock drift in Linux guests"
    assert updated.get_json()["status"] == "draft"
    assert search.search("clock drift").total == 0


def test_writing_needs_a_kb_engineer_and_valid_fields(client, app):
    assert client.post("/api/v1/kb/articles", json={"title": "x"}).status_code == 401
    customer = _headers(client, "reader@example.com", Role.CUSTOMER)
    assert (
        client.post("/api/v1/kb/articles", headers=customer, json={"title": "x"}).status_code == 403
    )
    headers = _headers(client, "writer@example.com", Role.KB_ENGINEER)
    cases = [
        ({"title": ""}, 422),
        ({"title": "x", "tags": "not, a, list"}, 201),
        ({"title": "y", "tags": {"a": 1}}, 422),
        ({"title": "z", "status": "archived"}, 422),
        ({"title": "x"}, 409),
    ]
    for body, status in cases:
        response = client.post("/api/v1/kb/articles", headers=headers, json=body)
        assert response.status_code == status, (body, response.get_json())
    assert client.post("/api/v1/kb/articles", headers=headers, data="x").status_code == 415
    assert client.put("/api/v1/kb/articles/nope", headers=headers, json={}).status_code == 404


def test_openapi_lists_the_kb_endpoints(client, app):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/api/v1/kb/search"])
    assert {"get", "put"} <= set(paths["/api/v1/kb/articles/{slug}"])
    assert "post" in paths["/api/v1/kb/articles"]
