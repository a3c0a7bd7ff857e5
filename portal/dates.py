"""Dates and moments people type, read within the range the portal can compute with.

Python's datetime ends at 9999-12-31: a moment stored near that edge cannot even be shown in
a time zone ahead of UTC (Pacific/Kiritimati is UTC+14), and adding a day or a business week
to it overflows. So typed dates are accepted from EARLIEST to LATEST only, far inside the
edges, and refused with a clear message outside them; what is already stored is shown
safely by `portal.templating.localtime` whatever it is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
RANGE_HINT = f"between {EARLIEST.year} and {LATEST.year}"


def parse_day(text: object) -> date | None:
    """The date `text` spells as 2026-01-31, or None if it is no date in range."""
    try:
        day = date.fromisoformat(str(text if text is not None else "").strip())
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def parse_moment(text: object) -> datetime | None:
    """The aware moment `text` spells in ISO 8601 (an offset required), in range, else None."""
    try:
        moment = datetime.fromisoformat(str(text if text is not None else "").strip())
    except ValueError:
        return None
    return moment if in_range(moment) else None


def in_range(moment: datetime) -> bool:
    """True for an aware moment whose UTC date lies between EARLIEST and LATEST."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return False
    try:
        day = moment.astimezone(UTC).date()
    except OverflowError:
        return False
    return EARLIEST <= day <= LATEST


def shown_in(moment: datetime, zone: object, fmt: str) -> str:
    """`moment` formatted in `zone`; in UTC instead when the zone would pass datetime's
    edge (year 9999 seen from UTC+14), so no stored value can break a page or a mail."""
    try:
        return moment.astimezone(zone).strftime(fmt)  # type: ignore[arg-type]
    except (OverflowError, ValueError):
        return moment.astimezone(UTC).strftime(fmt)
