"""Admin pages with ids or page numbers no row could have: 404 or the first page, never a 500."""

import pytest

from portal.models import Role
from tests.conftest import make_user


@pytest.fixture
def admin(client, auth):
    user = make_user("admin@example.com", Role.ADMIN, name="Ada Admin")
    auth.login("admin@example.com")
    return user


@pytest.mark.parametrize("page", ["9" * 20, "\u00b2"])
def test_user_list_treats_an_impossible_page_as_the_first(client, admin, page):
    response = client.get("/admin/users", query_string={"page": page})

    assert response.status_code == 200
    assert "admin@example.com" in response.get_data(as_text=True)


def test_a_user_id_beyond_any_row_is_not_found(client, admin):
    assert client.get(f"/admin/users/{'9' * 20}").status_code == 404
