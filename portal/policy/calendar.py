"""Business-hours calendar: when support is open, and how much in-hours time passes.

Every instant taken in must be timezone-aware (any zone); every instant given
back is in UTC. Each day's window is built from the local wall-clock opening
and closing times in the calendar's zone and only then converted to UTC, so a
daylight-saving change moves the window in UTC but never stretches or shrinks
business time by an hour. Arithmetic is only ever done on UTC instants.

Windows are half-open: support is open at the opening instant and closed at
the closing instant.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "America/Los_Angeles"
MONDAY_TO_FRIDAY: frozenset[int] = frozenset(range(5))
# A closing time of midnight means "until the end of the day".
MIDNIGHT = time(0)
# A calendar closed this many days in a row is misconfigured; fail instead of searching forever.
_MAX_CLOSED_DAYS = 3 * 366
_ONE_DAY = timedelta(days=1)

Window = tuple[datetime, datetime]


def ensure_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` converted to UTC; raise ValueError if it has no time zone."""
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def load_zone(name: str) -> ZoneInfo:
    """The IANA time zone called ``name``; raise ValueError if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"Unknown time zone {name!r}") from exc


def _since_midnight(moment: time, *, closing: bool = False) -> timedelta:
    if closing and moment == MIDNIGHT:
        return _ONE_DAY
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


@dataclass(frozen=True, kw_only=True)
class BusinessHours:
    """One tier's opening hours: the same local hours on each working day.

    ``opens`` and ``closes`` are local wall-clock times in ``timezone``; a
    ``closes`` of 00:00 means midnight at the end of the day. ``weekdays`` uses
    Monday=0 .. Sunday=6. ``holidays`` are dates in ``timezone`` on which
    support is closed all day.
    """

    opens: time
    closes: time
    timezone: str = DEFAULT_TIMEZONE
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        load_zone(self.timezone)
        for name in ("opens", "closes"):
            moment = getattr(self, name)
            if not isinstance(moment, time) or moment.tzinfo is not None:
                raise ValueError(f"{name} must be a local time without a zone, got {moment!r}")
        if _since_midnight(self.closes, closing=True) <= _since_midnight(self.opens):
            raise ValueError(
                f"Closing time {self.closes.isoformat()} must be after "
                f"opening time {self.opens.isoformat()}"
            )
        weekdays = frozenset(self.weekdays)
        if not weekdays or any(
            isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6
            for day in weekdays
        ):
            raise ValueError(f"weekdays must be numbers 0 (Monday) to 6 (Sunday), got {weekdays!r}")
        holidays = frozenset(self.holidays)
        for day in holidays:
            if isinstance(day, datetime) or not isinstance(day, date):
                raise ValueError(f"holidays must be dates, got {day!r}")
        # Accept any iterable from callers but store the declared frozensets.
        object.__setattr__(self, "weekdays", weekdays)
        object.__setattr__(self, "holidays", holidays)

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def window_length(self) -> timedelta:
        """Nominal span of one day's window on the wall clock: one business day.

        On the rare day whose window contains a daylight-saving change, the real
        window is an hour shorter or longer than this.
        """
        return _since_midnight(self.closes, closing=True) - _since_midnight(self.opens)

    def is_business_day(self, on: date) -> bool:
        """True if support opens at all on local date ``on``."""
        return on.weekday() in self.weekdays and on not in self.holidays

    def window_on(self, on: date) -> Window | None:
        """The UTC (start, end) of the window on local date ``on``; None when closed."""
        if not self.is_business_day(on):
            return None
        start, end = self._bounds(on)
        # Only possible when a window lies wholly inside a skipped daylight-saving hour.
        if end <= start:
            return None
        return start, end

    def hours_in(self, zone: str, on: date) -> Window:
        """Opening and closing on local date ``on``, as wall-clock times in ``zone``.

        For showing a viewer the hours in their own time zone. It answers for any
        date, weekends and holidays included, because the hours are the same; the
        closing time may fall on the viewer's next day.
        """
        viewer = load_zone(zone)
        start, end = self._bounds(on)
        return start.astimezone(viewer), end.astimezone(viewer)

    def is_open(self, at: datetime) -> bool:
        """True if support is open at instant ``at``."""
        instant = ensure_aware(at, "at")
        window = next(self._windows(instant))
        return window[0] == instant

    def next_opening(self, at: datetime) -> datetime:
        """The first open instant at or after ``at``, in UTC: the same instant when open."""
        instant = ensure_aware(at, "at")
        return next(self._windows(instant))[0]

    def windows_from(self, at: datetime) -> Iterator[Window]:
        """Successive open windows as UTC (start, end) pairs, endlessly.

        The first window is the one open at ``at`` (starting at ``at`` itself)
        or, when closed, the next one to open.
        """
        return self._windows(ensure_aware(at, "at"))

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of in-hours time has passed since ``start``.

        Time outside the windows is not counted, so a clock started outside hours
        begins at the next opening. A duration that uses up a window exactly ends
        at that window's closing time, not at the next opening. A zero duration
        gives the next opening (``start`` itself when open).
        """
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        remaining = duration
        for window_start, window_end in self.windows_from(start):
            available = window_end - window_start
            if remaining <= available:
                return window_start + remaining
            remaining -= available
        raise AssertionError("windows_from never ends")  # pragma: no cover

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The instant when ``days`` business days have passed since ``start``.

        A business day is one full window of in-hours time (``window_length``),
        counted like any other business time: a Base case (01:00-17:00) filed at
        10:00 on Tuesday is due at 10:00 on Wednesday, and one filed on Saturday
        starts at 01:00 on Monday and is due at 17:00 that Monday.
        """
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError(f"days must be a whole number of at least 0, got {days!r}")
        return self.add_business_time(start, days * self.window_length)

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """In-hours time that passes from ``start`` to ``end``; zero if ``end`` is not later."""
        begin = ensure_aware(start, "start")
        finish = ensure_aware(end, "end")
        total = timedelta(0)
        if finish <= begin:
            return total
        for window_start, window_end in self._windows(begin):
            if window_start >= finish:
                break
            total += min(window_end, finish) - window_start
        return total

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form that ``from_dict`` reads back."""
        return {
            "timezone": self.timezone,
            "opens": _format_time(self.opens),
            "closes": "24:00" if self.closes == MIDNIGHT else _format_time(self.closes),
            "weekdays": sorted(self.weekdays),
            "holidays": [day.isoformat() for day in sorted(self.holidays)],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessHours:
        """Build hours from ``to_dict`` output; raise ValueError on anything malformed."""
        if not isinstance(data, Mapping):
            raise ValueError(f"Business hours must be a mapping, got {data!r}")
        unknown = set(data) - {"timezone", "opens", "closes", "weekdays", "holidays"}
        if unknown:
            raise ValueError(f"Unknown business-hours fields: {', '.join(sorted(unknown))}")
        for required in ("opens", "closes"):
            if required not in data:
                raise ValueError(f"Business hours need {required!r}")
        weekdays = data.get("weekdays", sorted(MONDAY_TO_FRIDAY))
        holidays = data.get("holidays", [])
        if not isinstance(weekdays, list | tuple) or not isinstance(holidays, list | tuple):
            raise ValueError("weekdays and holidays must be lists")
        return cls(
            timezone=data.get("timezone", DEFAULT_TIMEZONE),
            opens=_parse_time(data["opens"], "opens"),
            closes=_parse_time(data["closes"], "closes"),
            weekdays=frozenset(weekdays),
            holidays=frozenset(_parse_date(day) for day in holidays),
        )

    def _bounds(self, on: date) -> Window:
        # Wall-clock times are placed on the date and then converted. A time in a
        # skipped hour is read with the offset in force before the change.
        zone = self.zone
        close_day = on + _ONE_DAY if self.closes == MIDNIGHT else on
        start = datetime.combine(on, self.opens, tzinfo=zone).astimezone(UTC)
        end = datetime.combine(close_day, self.closes, tzinfo=zone).astimezone(UTC)
        return start, end

    def _windows(self, instant: datetime) -> Iterator[Window]:
        # Start a day early: near midnight the local date and the window's date can differ.
        day = instant.astimezone(self.zone).date() - _ONE_DAY
        earliest = instant
        closed_days = 0
        while True:
            window = self.window_on(day)
            day += _ONE_DAY
            if window is None:
                closed_days += 1
                if closed_days > _MAX_CLOSED_DAYS:
                    raise ValueError(f"Support never opens after {instant.isoformat()}")
                continue
            closed_days = 0
            start, end = window
            if end <= earliest:
                continue
            yield max(start, earliest), end
            earliest = end


def _format_time(moment: time) -> str:
    if moment.second or moment.microsecond:
        return moment.isoformat()
    return moment.isoformat(timespec="minutes")


def _parse_time(value: Any, name: str) -> time:
    if value == "24:00" and name == "closes":
        return MIDNIGHT
    try:
        parsed = time.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a time like '09:00', got {value!r}") from exc
    if parsed.tzinfo is not None:
        raise ValueError(f"{name} must be a local time without a zone, got {value!r}")
    return parsed


def _parse_date(value: Any) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"Holidays must be dates like '2026-12-25', got {value!r}") from exc
