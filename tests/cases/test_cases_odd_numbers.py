"""Page numbers and organisation ids no row could have fall back sensibly, never a 500."""

import pytest

from tests.conftest import PASSWORD

TOO_LARGE = "9" * 20  # beyond any database integer
NOT_ASCII = "\u00b2"  # "²": str.isdigit() says yes, int() says no


@pytest.mark.parametrize("page", [TOO_LARGE, NOT_ASCII])
def test_case_list_treats_an_impossible_page_as_the_first(client, auth, gold_p2_case_new, page):
    auth.login(gold_p2_case_new.contact.email)

    response = client.get("/cases/", query_string={"page": page})

    assert response.status_code == 200
    assert gold_p2_case_new.number in response.get_data(as_text=True)


@pytest.mark.parametrize("page", [TOO_LARGE, NOT_ASCII])
def test_case_api_list_treats_an_impossible_page_as_the_first(client, gold_p2_case_new, page):
    token = client.post(
        "/api/v1/tokens", json={"email": gold_p2_case_new.contact.email, "password": PASSWORD}
    ).get_json()["token"]

    response = client.get(
        "/api/v1/cases", query_string={"page": page}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200
    assert [c["number"] for c in response.get_json()["results"]] == [gold_p2_case_new.number]


def test_filing_for_an_unreadable_organisation_keeps_the_form(client, auth, gold_p2_case_new):
    auth.login(gold_p2_case_new.contact.email)

    response = client.post(
        "/cases/new",
        data={"organisation": NOT_ASCII, "subject": "Pool master lost", "description": "Gone"},
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Pool master lost" in html and "Choose the product the problem is in." in html
