"""The self-help funnel by month: searches, results opened, "this answered my question" on
the filing form, and cases filed.

Three grouped statements, whatever the number of months or rows: one over the search log,
one over the deflections, one over the cases. Months are UTC calendar months. Rather than a
date-truncation function (``strftime`` on SQLite, ``date_trunc`` on PostgreSQL) each row is
put in its month by a CASE over the months' bounds, which reads the same on every database
and lets the indexes on the time columns bound the scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select

from portal.extensions import db
from portal.models import Case, Deflection, SearchLog


@dataclass(frozen=True)
class FunnelMonth:
    """One month of the funnel."""

    month: str
    searches: int = 0
    opened: int = 0
    answered: int = 0
    filed: int = 0
    filed_after_search: int = 0

    @property
    def opened_percent(self) -> int | None:
        return round(100 * self.opened / self.searches) if self.searches else None


def _month(column: Any, starts: Sequence[datetime], labels: Sequence[str]) -> Any:
    return case(
        *[
            (and_(column >= start, column < end), label)
            for label, start, end in zip(labels, starts[:-1], starts[1:], strict=True)
        ],
        else_=None,
    )


def _grouped(column: Any, counts: list[Any], starts: Sequence[datetime], labels: Sequence[str]):  # noqa: ANN202
    """{month: (count, ...)} for rows whose `column` falls in the months."""
    rows = (
        select(_month(column, starts, labels).label("month"), *counts)
        .where(column >= starts[0], column < starts[-1])
        .subquery()
    )
    # Grouped over a subquery: PostgreSQL will not match a CASE with bound values in GROUP BY.
    totals = [func.coalesce(func.sum(c), 0) for c in list(rows.c)[1:]]
    return {
        month: tuple(int(value) for value in values)
        for month, *values in db.session.execute(
            select(rows.c.month, *totals).group_by(rows.c.month)
        )
    }


def monthly_funnel(starts: Sequence[datetime], labels: Sequence[str]) -> list[FunnelMonth]:
    """The funnel for each month; `starts` holds each month's first instant and the next's."""
    searches = _grouped(
        SearchLog.searched_at,
        [
            case((SearchLog.id.is_not(None), 1), else_=0).label("searches"),
            case((SearchLog.opened_path.is_not(None), 1), else_=0).label("opened"),
        ],
        starts,
        labels,
    )
    answered = _grouped(
        Deflection.created_at,
        [case((Deflection.id.is_not(None), 1), else_=0).label("answered")],
        starts,
        labels,
    )
    # A case counts once after a search however many of the session's searches led to it.
    # A set to look each case up in (a hashed subplan), not a lookup per case filed.
    after_search = Case.id.in_(select(SearchLog.case_id).where(SearchLog.case_id.is_not(None)))
    filed = _grouped(
        Case.filed_at,
        [
            case((Case.id.is_not(None), 1), else_=0).label("filed"),
            case((after_search, 1), else_=0).label("after_search"),
        ],
        starts,
        labels,
    )
    return [
        FunnelMonth(
            month,
            *searches.get(month, (0, 0)),
            *answered.get(month, (0,)),
            *filed.get(month, (0, 0)),
        )
        for month in labels
    ]
