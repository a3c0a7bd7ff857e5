"""The administrators' list of people: paged, filtered, and a fixed cost per page."""

from __future__ import annotations

import pytest

from portal.admin.service import USERS_PER_PAGE
from portal.extensions import db
from portal.models import ContactKind, ContactRole, Organisation, Role, User
from tests.conftest import count_statements, make_organisation, make_user


@pytest.fixture
def admin(client, auth):
    user = make_user("root@example.com", Role.ADMIN, name="Ada Admin")
    auth.login("root@example.com")
    return user


def add_contacts(organisation: Organisation, first: int, count: int) -> None:
    """Customer contacts made directly (no password hashing): many of them, quickly."""
    for number in range(first, first + count):
        person = User(
            email=f"contact{number:03}@example.com",
            name=f"Contact {number:03}",
            password_hash="not-a-hash",
            role=Role.CUSTOMER.value,
        )
        db.session.add(person)
        db.session.add(
            ContactRole(
                user=person, organisation=organisation, kind=ContactKind.SUPPORT_ADMIN.value
            )
        )
    db.session.commit()


def test_the_people_list_costs_the_same_statements_for_three_or_a_full_page(client, admin):
    organisation = make_organisation("Initech")
    add_contacts(organisation, 1, 3)
    # Only customers listed, so the administrator's own contact roles load the same way in both.
    with count_statements() as few:
        client.get("/admin/users?role=customer")
    add_contacts(organisation, 4, USERS_PER_PAGE)
    with count_statements() as many:
        html = client.get("/admin/users?role=customer").get_data(as_text=True)

    assert html.count("(Support Administrator)") == USERS_PER_PAGE
    assert len(many) == len(few), many


def test_paging_through_people_keeps_the_search_and_role(client, admin):
    add_contacts(make_organisation("Initech"), 1, USERS_PER_PAGE + 5)

    first = client.get("/admin/users?q=contact&role=customer").get_data(as_text=True)
    second = client.get("/admin/users?q=contact&role=customer&page=2").get_data(as_text=True)

    assert f"{USERS_PER_PAGE + 5} people, showing 1–{USERS_PER_PAGE}." in first
    assert '/admin/users?q=contact&amp;role=customer&amp;page=2" rel="next"' in first
    assert "contact054@example.com" in second and "contact001@example.com" not in second
    assert '/admin/users?q=contact&amp;role=customer" rel="prev"' in second


def test_a_page_past_the_end_shows_the_last_page_of_people(client, admin):
    add_contacts(make_organisation("Initech"), 1, USERS_PER_PAGE + 5)

    html = client.get("/admin/users?page=40").get_data(as_text=True)

    assert "Page 2 of 2" in html and "contact055@example.com" in html
