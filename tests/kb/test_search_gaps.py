"""/kb/gaps and GET /api/v1/kb/gaps: searches that found nothing or led nowhere, grouped by
wording, most frequent first; an article written from a gap closes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import g, request_started

from portal.extensions import db
from portal.kb import gaps
from portal.models import Role, SearchLog
from tests.conftest import PASSWORD, count_statements, make_user

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _forget_the_api_user_between_requests(app):
    def forget(sender, **extra):  # noqa: ANN001
        g.pop("api_user", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


def logged(query: str, results: int = 0, opened: bool = False, minutes_ago: int = 0) -> None:
    from portal.kb.search_log import normalize

    db.session.add(
        SearchLog(
            query=query,
            normalized=normalize(query),
            filters={},
            source="page",
            results=results,
            searched_at=NOW - timedelta(minutes=minutes_ago),
            opened_path="/kb/x" if opened else None,
        )
    )
    db.session.commit()


def test_gaps_group_by_wording_most_frequent_first(app):
    for query in ("VM won't start", "vm wont start!", "  vm   WONT start", "VM: wont start."):
        logged(query)
    logged("license expired", results=3)
    logged("nfs storage", results=2, opened=True)
    logged("nfs storage", results=2)  # half opened: not a gap
    logged("iscsi", results=1, opened=False, minutes_ago=5)
    logged("iscsi", results=1, opened=True)
    logged("iscsi", results=1, opened=False)  # one of three opened: a gap
    page = gaps.list_gaps()
    assert [(g.query, g.searches, g.opened, g.no_results) for g in page.items] == [
        ("vm wont start", 4, 0, 4),
        ("iscsi", 3, 1, 0),
        ("license expired", 1, 0, 0),
    ]
    assert page.total == 3 and page.items[0].last_searched_at == NOW


def test_the_gaps_list_costs_two_statements_however_many_searches(app):
    for number in range(30):
        logged(f"question {number % 7}")
    with count_statements() as statements:
        gaps.list_gaps(page=1, per_page=5)
    assert len(statements) == 2


def test_kb_engineers_see_the_gaps_page_with_a_prefilled_write_link(client, auth, app):
    make_user("writer@example.com", Role.KB_ENGINEER)
    logged("VM won't start")
    auth.login("writer@example.com")
    html = client.get("/kb/gaps").get_data(as_text=True)
    assert "vm wont start" in html and "Write an article" in html
    assert "/kb/new?title=vm+wont+start&amp;gap=vm+wont+start" in html
    form = client.get("/kb/new?title=vm+wont+start&gap=vm+wont+start").get_data(as_text=True)
    assert 'value="vm wont start"' in form and 'name="gap"' in form
    fragment = client.get("/kb/gaps", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "vm wont start" in fragment


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.EVALUATION, Role.TSE])
def test_others_are_refused_the_gaps(client, auth, app, role):
    make_user("someone@example.com", role)
    auth.login("someone@example.com")
    assert client.get("/kb/gaps").status_code == 403


def test_anonymous_visitors_are_refused_the_gaps(client, app):
    assert client.get("/kb/gaps").status_code in (302, 401, 403)
    assert client.get("/api/v1/kb/gaps").status_code == 401


def test_an_article_written_from_a_gap_closes_it(client, auth, app):
    make_user("writer@example.com", Role.KB_ENGINEER)
    logged("VM won't start", minutes_ago=10)
    auth.login("writer@example.com")
    response = client.post(
        "/kb/new",
        data={
            "title": "When a VM will not start",
            "body": "Check the SR.",
            "gap": "vm wont start",
            "action": "publish",
        },
    )
    assert response.status_code == 302
    assert gaps.list_gaps().total == 0
    # Searches after the article count again: it comes back if it still does not help.
    from portal.kb.search_log import normalize

    db.session.add(
        SearchLog(
            query="vm wont start",
            normalized=normalize("vm wont start"),
            filters={},
            source="page",
            results=0,
        )
    )
    db.session.commit()
    assert [g.query for g in gaps.list_gaps().items] == ["vm wont start"]


def _headers(client, email, role):
    make_user(email, role)
    token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}).get_json()
    return {"Authorization": f"Bearer {token['token']}"}


def test_the_api_answers_the_contract_shape_paged(client, app):
    headers = _headers(client, "writer@example.com", Role.KB_ENGINEER)
    for number in range(3):
        for _ in range(number + 1):
            logged(f"question {number}")
    body = client.get("/api/v1/kb/gaps?per_page=2", headers=headers).get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 2
    first = body["results"][0]
    assert set(first) >= {"query", "searches", "last_searched_at", "opened"}
    assert (first["query"], first["searches"], first["opened"]) == ("question 2", 3, 0)
    assert first["last_searched_at"].endswith("+00:00")
    assert (
        client.get("/api/v1/kb/gaps?page=3&per_page=2", headers=headers).get_json()["results"] == []
    )
    assert client.get("/api/v1/kb/gaps?page=abc&per_page=-1", headers=headers).status_code == 200


def test_customers_get_403_from_the_api(client, app):
    headers = _headers(client, "customer@example.com", Role.CUSTOMER)
    response = client.get("/api/v1/kb/gaps", headers=headers)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_the_api_closes_a_gap_with_a_new_article(client, app):
    headers = _headers(client, "writer@example.com", Role.KB_ENGINEER)
    logged("license expired")
    response = client.post(
        "/api/v1/kb/articles",
        json={"title": "Renewing an expired license", "body": "…", "gap": "License expired!"},
        headers=headers,
    )
    assert response.status_code == 201
    assert gaps.list_gaps().total == 0
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/kb/gaps"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"page", "per_page"}
    item = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert set(item["results"]["items"]["required"]) == {
        "query",
        "searches",
        "last_searched_at",
        "opened",
    }


def test_gaps_is_not_an_article_address(app):
    from portal.domain_error import DomainError
    from portal.kb import service

    with pytest.raises(DomainError):
        service.save_article(None, {"title": "Gaps", "slug": "gaps"}, None)
