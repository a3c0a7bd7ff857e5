"""One page of a list, and the one way to cut a query into pages.

Every paged list (forum topics and posts, ideas, cases, the staff queue, people, search hits)
is a `Page`; `templates/macros/pager.html` links it to its neighbours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, UnaryExpression, func, select
from sqlalchemy.sql import operators

from portal.extensions import db

T = TypeVar("T")
U = TypeVar("U")


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` items fill; an empty list still has one (empty) page."""
    return max(1, math.ceil(total / per_page))


def clamp_page(page: int, total: int, per_page: int) -> int:
    """The page to show for a requested number: below 1 is the first, past the end the last."""
    return min(max(1, page), page_count(total, per_page))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, how many the whole list holds, and where this page sits.

    Build one with `paginate()` from a query, or directly from results already counted
    elsewhere (the search engine ranks and counts its hits itself).
    """

    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def previous_page(self) -> int | None:
        return min(self.page - 1, self.pages) if self.has_previous else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def first_item(self) -> int:
        """The position of this page's first item in the whole list ("Showing 21–40 of 95"),
        counting from 1; 0 for an empty page."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_item(self) -> int:
        return self.first_item + len(self.items) - 1 if self.items else 0

    def with_items(self, items: Sequence[U]) -> Page[U]:
        """The same place in the list holding other items, such as rows built from these."""
        return Page(items, self.total, self.page, self.per_page)

    @classmethod
    def from_list(cls, items: Sequence[T], page: int, per_page: int) -> Page[T]:
        """One page cut from a list loaded whole; a page number out of range is clamped."""
        page = clamp_page(page, len(items), per_page)
        start = (page - 1) * per_page
        return cls(list(items[start : start + per_page]), len(items), page, per_page)


def paginate(
    statement: Select[Any],
    page: int,
    per_page: int,
    *,
    clamp: bool = True,
    from_either_end: bool = False,
) -> Page[Any]:
    """One page of the rows `statement` selects, in two SQL statements: a COUNT, then the page
    with LIMIT/OFFSET (none at all when the count is 0).

    `statement` selects one entity in its final order; its loader options apply to the page,
    not to the count. A page below 1 is the first; one past the end is the last, so an old
    link still shows something. With `clamp=False` a page past the end keeps its number and
    has no items: API clients page until the results run out.

    With `from_either_end` a page in the second half of the list is read in the reverse
    order from the end, so the database skips at most half the list: the last page costs
    what the first does when an index holds the order. The order must then be total (end
    in a unique column), or rows that tie could show on two pages.
    """
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, not {per_page}")
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    total = db.session.scalar(counted) or 0
    if not clamp and page > page_count(total, per_page):
        return Page([], total, page, per_page)
    page = clamp_page(page, total, per_page)
    if total == 0:
        return Page([], 0, page, per_page)
    offset = (page - 1) * per_page
    size = min(per_page, total - offset)
    from_end = total - offset - size
    if from_either_end and from_end < offset:
        rows = db.session.scalars(reverse_order(statement).limit(size).offset(from_end))
        return Page(list(rows)[::-1], total, page, per_page)
    rows = db.session.scalars(statement.limit(per_page).offset(offset))
    return Page(list(rows), total, page, per_page)


def reverse_order(statement: Select[Any]) -> Select[Any]:
    """`statement` in exactly the reverse order: each ORDER BY term flips between ascending
    and descending. NULLs come along: both PostgreSQL and SQLite put them at one end for
    ascending and at the other for descending."""
    terms = []
    for term in statement._order_by_clauses:
        modifier = getattr(term, "modifier", None) if isinstance(term, UnaryExpression) else None
        if modifier is operators.desc_op:
            terms.append(term.element.asc())
        elif modifier is operators.asc_op:
            terms.append(term.element.desc())
        elif modifier is None:
            terms.append(term.desc())
        else:  # NULLS FIRST/LAST would need flipping too
            raise ValueError(f"cannot reverse the order term {term}")
    if not terms:
        raise ValueError("a statement without an order has no reverse")
    return statement.order_by(None).order_by(*terms)
