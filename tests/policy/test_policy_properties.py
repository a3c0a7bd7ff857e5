"""Property-based checks of the calendar and the due-time arithmetic."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.policy import DEFAULT_POLICY, BusinessHours, Severity, Tier

# No example database: these tests must not write files into the project.
PROPERTY = settings(max_examples=150, deadline=None, database=None)
FEW = settings(max_examples=60, deadline=None, database=None)

LA = ZoneInfo("America/Los_Angeles")
US = timedelta(microseconds=1)
FILING_ZONES = st.sampled_from(
    [
        UTC,
        LA,
        ZoneInfo("America/New_York"),
        ZoneInfo("Europe/London"),
        ZoneInfo("Asia/Kolkata"),
        ZoneInfo("Pacific/Auckland"),
    ]
)
# Several years, so every daylight-saving change from 2024 to 2030 is in range.
INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=FILING_ZONES
)
TARGETED = st.sampled_from(
    [
        (tier, severity)
        for tier in Tier
        for severity in Severity
        if DEFAULT_POLICY.target_for(tier, severity).has_target
    ]
)


def _in_published_hours(instant: datetime, hours: BusinessHours) -> bool:
    """An oracle independent of the calendar code: read the Los Angeles wall clock."""
    local = instant.astimezone(LA)
    return local.weekday() < 5 and hours.opens <= local.time() < hours.closes


@PROPERTY
@given(filed=INSTANTS, pair=TARGETED)
def test_due_time_is_after_filing_and_inside_business_hours_or_at_a_closing(filed, pair):
    tier, severity = pair
    hours = DEFAULT_POLICY.hours_for(tier)
    due = DEFAULT_POLICY.response_due_at(filed, tier, severity)
    assert due.tzinfo is UTC
    assert due > filed
    # The last instant counted was in hours; the due time itself is in hours or a closing.
    assert _in_published_hours(due - US, hours)
    closing = datetime.combine((due - US).astimezone(LA).date(), hours.closes, tzinfo=LA)
    assert _in_published_hours(due, hours) or due == closing


@PROPERTY
@given(first=INSTANTS, second=INSTANTS, pair=TARGETED)
def test_filing_later_never_gives_an_earlier_due_time(first, second, pair):
    earlier, later = sorted([first, second])
    tier, severity = pair
    assert DEFAULT_POLICY.response_due_at(earlier, tier, severity) <= (
        DEFAULT_POLICY.response_due_at(later, tier, severity)
    )


@PROPERTY
@given(filed=INSTANTS, pair=TARGETED)
def test_business_time_from_filing_to_due_is_exactly_the_target(filed, pair):
    tier, severity = pair
    hours = DEFAULT_POLICY.hours_for(tier)
    target = DEFAULT_POLICY.target_for(tier, severity)
    due = DEFAULT_POLICY.response_due_at(filed, tier, severity)
    assert hours.business_time_between(filed, due) == target.duration(hours)


@FEW
@given(
    start=INSTANTS,
    span_minutes=st.integers(min_value=0, max_value=10 * 24 * 60),
    tier=st.sampled_from(list(Tier)),
)
def test_business_time_between_matches_counting_minute_by_minute(start, span_minutes, tier):
    hours = DEFAULT_POLICY.hours_for(tier)
    # Whole minutes keep the brute-force count exact.
    begin = start.astimezone(UTC).replace(second=0, microsecond=0)
    in_hours = sum(
        _in_published_hours(begin + timedelta(minutes=n), hours) for n in range(span_minutes)
    )
    end = begin + timedelta(minutes=span_minutes)
    assert hours.business_time_between(begin, end) == timedelta(minutes=in_hours)


# --- any calendar, including ones open on days when the clocks change --------------------

CALENDAR_ZONES = [
    "America/Los_Angeles",
    "Europe/London",
    "America/Santiago",  # changes its clocks at midnight
    "Australia/Lord_Howe",  # changes its clocks by half an hour
    "Asia/Tokyo",
]


@st.composite
def calendars(draw: st.DrawFn) -> BusinessHours:
    opens = draw(st.integers(min_value=0, max_value=23 * 60))
    closes = opens + draw(st.integers(min_value=30, max_value=24 * 60 - opens))
    return BusinessHours(
        timezone=draw(st.sampled_from(CALENDAR_ZONES)),
        opens=time(opens // 60, opens % 60),
        closes=time(0) if closes == 24 * 60 else time(closes // 60, closes % 60),
        weekdays=draw(st.frozensets(st.integers(min_value=0, max_value=6), min_size=1)),
        holidays=draw(st.frozensets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=40)),
    )


NEAR_INSTANTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31), timezones=FILING_ZONES
)
DURATIONS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=60))


@PROPERTY
@given(hours=calendars(), start=NEAR_INSTANTS, duration=DURATIONS)
def test_adding_business_time_then_measuring_it_gives_it_back(hours, start, duration):
    end = hours.add_business_time(start, duration)
    assert end >= start
    assert hours.business_time_between(start, end) == duration
    if duration:
        # The last instant counted is open, and never on a holiday or closed weekday.
        last = end - US
        assert hours.is_open(last)
        assert hours.is_business_day(last.astimezone(hours.zone).date()) or (
            # A window closing at midnight ends on the next local date.
            hours.is_business_day(last.astimezone(hours.zone).date() - timedelta(days=1))
        )


@PROPERTY
@given(hours=calendars(), first=NEAR_INSTANTS, second=NEAR_INSTANTS, duration=DURATIONS)
def test_adding_business_time_is_monotonic_in_the_start(hours, first, second, duration):
    earlier, later = sorted([first, second])
    assert hours.add_business_time(earlier, duration) <= hours.add_business_time(later, duration)


@PROPERTY
@given(
    hours=calendars(),
    start=NEAR_INSTANTS,
    gaps=st.tuples(
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
    ),
)
def test_business_time_between_adds_up_over_consecutive_spans(hours, start, gaps):
    middle = start + gaps[0]
    end = middle + gaps[1]
    whole = hours.business_time_between(start, end)
    assert whole == hours.business_time_between(start, middle) + hours.business_time_between(
        middle, end
    )
    assert timedelta(0) <= whole <= end - start


@PROPERTY
@given(hours=calendars(), at=NEAR_INSTANTS)
def test_windows_are_ordered_and_next_opening_agrees_with_is_open(hours, at):
    opening = hours.next_opening(at)
    assert opening >= at
    assert hours.is_open(opening)
    # Compare in UTC: Python never finds a repeated local time equal to another zone's instant.
    assert hours.is_open(at) == (opening == at.astimezone(UTC))
    windows = hours.windows_from(at)
    previous_end = at
    for _ in range(10):
        start, end = next(windows)
        assert previous_end <= start < end
        assert hours.is_open(start) and hours.is_open(end - US)
        previous_end = end


@PROPERTY
@given(at=INSTANTS, tier=st.sampled_from(list(Tier)))
def test_default_hours_are_open_exactly_when_the_los_angeles_wall_clock_says_so(at, tier):
    hours = DEFAULT_POLICY.hours_for(tier)
    assert hours.is_open(at) == _in_published_hours(at, hours)
