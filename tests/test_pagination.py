"""Cutting lists into pages: `paginate()` over a query, and what a `Page` says about itself."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Partner
from portal.pagination import Page, clamp_page, page_count, paginate
from tests.conftest import count_statements


def make_partners(count: int) -> None:
    for number in range(1, count + 1):
        db.session.add(Partner(name=f"Partner {number:03}", region="Europe", country="Ireland"))
    db.session.commit()


def partners_by_name():  # noqa: ANN201 - a Select
    return select(Partner).order_by(Partner.name)


def names(page: Page[Partner]) -> list[str]:
    return [partner.name for partner in page.items]


def test_an_empty_list_is_one_empty_page_and_costs_only_the_count(app):
    with count_statements() as statements:
        page = paginate(partners_by_name(), 1, 10)

    assert (page.items, page.total, page.page, page.pages) == ([], 0, 1, 1)
    assert not page.has_previous and not page.has_next
    assert (page.first_item, page.last_item) == (0, 0)
    assert len(statements) == 1


def test_a_list_that_fills_its_pages_exactly_has_no_page_after_the_last(app):
    make_partners(20)

    first, second = paginate(partners_by_name(), 1, 10), paginate(partners_by_name(), 2, 10)

    assert (first.pages, first.next_page, first.previous_page) == (2, 2, None)
    assert names(second) == [f"Partner {n:03}" for n in range(11, 21)]
    assert (second.has_next, second.next_page, second.previous_page) == (False, None, 1)
    assert (second.first_item, second.last_item) == (11, 20)


def test_the_last_page_holds_what_is_left(app):
    make_partners(25)

    last = paginate(partners_by_name(), 3, 10)

    assert names(last) == [f"Partner {n:03}" for n in range(21, 26)]
    assert (last.page, last.pages, last.first_item, last.last_item) == (3, 3, 21, 25)


@pytest.mark.parametrize("requested", [4, 99, 2**31, 2**63, 10**30])
def test_a_page_beyond_the_end_shows_the_last_page(app, requested):
    make_partners(25)

    page = paginate(partners_by_name(), requested, 10)

    assert (page.page, len(page.items), page.has_next) == (3, 5, False)


@pytest.mark.parametrize("requested", [4, 10**30])
def test_without_clamping_a_page_beyond_the_end_is_empty_and_runs_no_select(app, requested):
    make_partners(25)

    with count_statements() as statements:
        page = paginate(partners_by_name(), requested, 10, clamp=False)

    assert (page.items, page.total, page.page) == ([], 25, requested)
    assert (page.has_next, page.previous_page) == (False, 3)
    assert len(statements) == 1


@pytest.mark.parametrize("requested", [0, -1, -(10**30)])
def test_page_zero_or_negative_is_the_first_page(app, requested):
    make_partners(15)

    for clamp in (True, False):
        page = paginate(partners_by_name(), requested, 10, clamp=clamp)
        assert (page.page, names(page)[0], page.has_previous) == (1, "Partner 001", False)


def test_a_page_costs_one_count_and_one_select_however_long_it_is(app):
    make_partners(30)

    with count_statements() as short:
        paginate(partners_by_name(), 2, 2)
    with count_statements() as long:
        paginate(partners_by_name(), 1, 30)

    assert len(short) == len(long) == 2
    assert "count(" in short[0].lower() and "LIMIT" in short[1].upper()


def test_the_count_ignores_the_order_and_the_page_keeps_it(app):
    make_partners(5)

    page = paginate(select(Partner).order_by(Partner.name.desc()), 1, 2)

    assert (page.total, names(page)) == (5, ["Partner 005", "Partner 004"])


def test_a_page_needs_room_for_one_item():
    with pytest.raises(ValueError):
        paginate(partners_by_name(), 1, 0)


def test_a_counted_page_tells_its_place_in_the_list():
    page = Page(list(range(21, 41)), total=95, page=2, per_page=20)

    assert (page.first_item, page.last_item, page.total) == (21, 40, 95)
    assert (page.pages, page.previous_page, page.next_page) == (5, 1, 3)


def test_a_page_cut_from_a_whole_list_is_clamped_like_a_query():
    whole = list(range(1, 46))

    assert Page.from_list(whole, 3, 20).items == [41, 42, 43, 44, 45]
    assert Page.from_list(whole, 9, 20).page == 3
    assert Page.from_list(whole, -2, 20).items == list(range(1, 21))
    assert Page.from_list([], 1, 20) == Page([], 0, 1, 20)


def test_rows_built_from_a_page_keep_its_place():
    page = Page(["a", "b"], total=12, page=2, per_page=2)

    rows = page.with_items(["A", "B"])

    assert (rows.items, rows.total, rows.page, rows.per_page) == (["A", "B"], 12, 2, 2)


@pytest.mark.parametrize(
    ("total", "per_page", "pages"), [(0, 10, 1), (1, 10, 1), (10, 10, 1), (11, 10, 2)]
)
def test_page_count(total, per_page, pages):
    assert page_count(total, per_page) == pages
    assert clamp_page(pages + 5, total, per_page) == pages


@pytest.mark.parametrize("count", [1, 9, 10, 11, 35])
def test_reading_from_either_end_gives_the_same_pages_in_two_statements(app, count):
    make_partners(count)
    # Ties on the region, broken by a descending name and the id: a total order.
    order = select(Partner).order_by(Partner.region, Partner.name.desc(), Partner.id)
    expected = [p.name for p in db.session.scalars(order)]
    pages = page_count(count, 10)
    for number in range(1, pages + 1):
        with count_statements() as statements:
            page = paginate(order, number, 10, from_either_end=True)
        assert names(page) == expected[(number - 1) * 10 : number * 10], number
        assert (page.page, page.total, page.pages) == (number, count, pages)
        assert len(statements) == 2
    assert names(paginate(order, 99, 10, from_either_end=True)) == expected[(pages - 1) * 10 :]


def test_the_last_page_is_read_backwards_from_the_end(app):
    make_partners(95)
    with count_statements() as statements:
        last = paginate(partners_by_name(), 10, 10, from_either_end=True)
    assert names(last) == [f"Partner {n:03}" for n in range(91, 96)]
    assert "DESC" in str(statements[-1]).upper()


def test_an_order_with_nulls_first_cannot_be_reversed(app):
    from portal.pagination import reverse_order

    with pytest.raises(ValueError):
        reverse_order(select(Partner).order_by(Partner.name.nulls_first()))
    with pytest.raises(ValueError):
        reverse_order(select(Partner))
