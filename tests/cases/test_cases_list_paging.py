"""Paging the case list: in place with HTMX in the browser, until the results run out in the API."""

from __future__ import annotations

import pytest

from portal.cases.queries import PER_PAGE
from tests.conftest import PASSWORD
from tests.conftest import make_case as file_for

HX = {"HX-Request": "true"}


@pytest.fixture
def many_cases(gold_contact, contoso):
    return [file_for(gold_contact, contoso, subject=f"Case {n}") for n in range(PER_PAGE + 2)]


def test_the_case_list_pages_in_place_keeping_the_filters(client, auth, many_cases):
    auth.login("admin@gold.example.com")

    html = client.get("/cases/?product=XenServer", headers=HX).get_data(as_text=True)

    assert "<html" not in html
    assert f"{PER_PAGE + 2} cases, soonest response due first; showing 1–{PER_PAGE}." in html
    assert 'data-hx-get="/cases/?product=XenServer&amp;page=2" data-hx-target="#case-list"' in html


def test_a_case_list_page_past_the_end_shows_the_last_page(client, auth, many_cases):
    auth.login("admin@gold.example.com")

    html = client.get("/cases/?page=9").get_data(as_text=True)

    assert "Page 2 of 2" in html and f"showing {PER_PAGE + 1}–{PER_PAGE + 2}" in html


def test_the_case_api_answers_no_results_past_the_last_page(client, many_cases):
    token = client.post(
        "/api/v1/tokens", json={"email": "admin@gold.example.com", "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    last = client.get("/api/v1/cases?page=2", headers=headers).get_json()
    beyond = client.get("/api/v1/cases?page=3", headers=headers).get_json()

    assert (len(last["results"]), last["total"]) == (2, PER_PAGE + 2)
    assert beyond == {"results": [], "total": PER_PAGE + 2}
