"""Numbers typed into staff forms and filters that no row could have are refused, not a 500."""

import pytest

from portal.models import Role
from tests.conftest import make_user

TOO_LARGE = "9" * 20  # beyond any database integer
NOT_ASCII = "\u00b2"  # "²": str.isdigit() says yes, int() says no


@pytest.fixture
def logged_in_tse(client, auth):
    user = make_user("tse@example.com", Role.TSE, name="Tomas Tse")
    auth.login("tse@example.com")
    return user


@pytest.mark.parametrize("owner", [TOO_LARGE, NOT_ASCII])
def test_assigning_to_an_impossible_owner_id_asks_for_an_owner(
    client, logged_in_tse, gold_p3_case_new, owner
):
    case = gold_p3_case_new

    response = client.post(
        f"/staff/cases/{case.number}/assign", data={"owner": owner, "reason": "Rebalancing"}
    )

    assert response.status_code == 422
    assert "Choose who should own the case." in response.get_data(as_text=True)
    assert case.owner_id is None


@pytest.mark.parametrize("value", [TOO_LARGE, NOT_ASCII])
def test_queue_ignores_an_impossible_page_or_owner(client, logged_in_tse, gold_p3_case_new, value):
    response = client.get("/staff/", query_string={"page": value, "owner": value})

    assert response.status_code == 200
    assert gold_p3_case_new.number in response.get_data(as_text=True)
