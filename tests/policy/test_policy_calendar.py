"""Business-hours calendar: open or closed, windows, and adding or measuring business time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.policy import BusinessHours

LA = ZoneInfo("America/Los_Angeles")
BASE = BusinessHours(opens=time(1), closes=time(17))
GOLD = BusinessHours(opens=time(5), closes=time(18))
US = timedelta(microseconds=1)

# Mid-January 2026, Pacific standard time: Mon 12th .. Fri 16th, weekend 17th-18th.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 1, day) for day in range(12, 19))


def la(on: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(on.year, on.month, on.day, hour, minute, second, tzinfo=LA)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- is_open -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (la(TUE, 0, 59, 59), False),
        (la(TUE, 1), True),
        (la(TUE, 10), True),
        (la(TUE, 16, 59, 59), True),
        (la(TUE, 17), False),
        (la(TUE, 23), False),
        (la(SAT, 10), False),
        (la(SUN, 10), False),
        (la(MON, 1), True),
    ],
)
def test_base_is_open_from_one_am_until_five_pm_on_weekdays_only(at, expected):
    assert BASE.is_open(at) is expected


def test_is_open_accepts_an_instant_in_any_time_zone():
    # 01:00 PST is 09:00 UTC and 18:00 in Tokyo.
    assert BASE.is_open(utc(2026, 1, 13, 9))
    assert not BASE.is_open(utc(2026, 1, 13, 8, 59))
    assert BASE.is_open(datetime(2026, 1, 13, 18, tzinfo=ZoneInfo("Asia/Tokyo")))


def test_gold_opens_at_five_and_closes_at_six_pm():
    assert not GOLD.is_open(la(TUE, 4, 59))
    assert GOLD.is_open(la(TUE, 5))
    assert GOLD.is_open(la(TUE, 17, 59))
    assert not GOLD.is_open(la(TUE, 18))


# --- next_opening and windows ------------------------------------------------------------


def test_next_opening_during_hours_is_the_same_instant_in_utc():
    result = BASE.next_opening(la(TUE, 10))
    assert result == la(TUE, 10)
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("at", "opening"),
    [
        (la(TUE, 0, 30), la(TUE, 1)),
        (la(TUE, 17), la(WED, 1)),
        (la(TUE, 22), la(WED, 1)),
        (la(FRI, 17), la(MON + timedelta(days=7), 1)),
        (la(SAT, 12), la(MON + timedelta(days=7), 1)),
        (la(SUN, 23, 59), la(MON + timedelta(days=7), 1)),
    ],
)
def test_next_opening_when_closed_is_the_following_opening(at, opening):
    assert BASE.next_opening(at) == opening


def test_windows_from_starts_at_the_given_instant_and_skips_the_weekend():
    windows = BASE.windows_from(la(THU, 10))
    assert next(windows) == (la(THU, 10), la(THU, 17))
    assert next(windows) == (la(FRI, 1), la(FRI, 17))
    following_monday = MON + timedelta(days=7)
    assert next(windows) == (la(following_monday, 1), la(following_monday, 17))


def test_windows_are_given_in_utc():
    start, end = next(BASE.windows_from(la(SAT, 12)))
    assert start.tzinfo is UTC and end.tzinfo is UTC
    assert (start, end) == (utc(2026, 1, 19, 9), utc(2026, 1, 20, 1))


def test_windows_from_an_instant_exactly_at_closing_starts_with_the_next_window():
    assert next(BASE.windows_from(la(TUE, 17))) == (la(WED, 1), la(WED, 17))


def test_window_on_a_weekend_day_is_none():
    assert BASE.window_on(SAT) is None
    assert BASE.window_on(SUN) is None
    assert BASE.window_on(TUE) == (utc(2026, 1, 13, 9), utc(2026, 1, 14, 1))


def test_window_length_is_the_span_of_one_days_hours():
    assert BASE.window_length == timedelta(hours=16)
    assert GOLD.window_length == timedelta(hours=13)


# --- add_business_time -------------------------------------------------------------------


def test_zero_business_time_during_hours_is_the_start_itself():
    assert BASE.add_business_time(la(TUE, 10), timedelta(0)) == la(TUE, 10)


def test_zero_business_time_outside_hours_is_the_next_opening():
    assert BASE.add_business_time(la(SAT, 10), timedelta(0)) == la(MON + timedelta(days=7), 1)


def test_business_time_within_one_window():
    assert GOLD.add_business_time(la(TUE, 9), timedelta(hours=2)) == la(TUE, 11)


def test_business_time_that_exactly_uses_up_a_window_ends_at_closing_not_next_opening():
    assert GOLD.add_business_time(la(TUE, 12), timedelta(hours=6)) == la(TUE, 18)


def test_business_time_just_past_a_window_continues_at_next_opening():
    assert GOLD.add_business_time(la(TUE, 12), timedelta(hours=6) + US) == la(WED, 5) + US


def test_business_time_carries_over_the_weekend():
    # One hour left on Friday, three more on Monday.
    result = GOLD.add_business_time(la(FRI, 17), timedelta(hours=4))
    assert result == la(MON + timedelta(days=7), 8)


def test_business_time_started_outside_hours_starts_at_next_opening():
    assert GOLD.add_business_time(la(WED, 2), timedelta(hours=2)) == la(WED, 7)


def test_negative_business_time_is_rejected():
    with pytest.raises(ValueError, match="must not be negative"):
        BASE.add_business_time(la(TUE, 10), timedelta(hours=-1))


# --- add_business_days -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        (la(TUE, 10), la(WED, 10)),
        (la(TUE, 0, 30), la(TUE, 17)),
        (la(TUE, 1), la(TUE, 17)),
        (la(TUE, 16, 59), la(WED, 16, 59)),
        (la(TUE, 17), la(WED, 17)),
        (la(TUE, 20), la(WED, 17)),
        (la(FRI, 10), la(MON + timedelta(days=7), 10)),
        (la(SAT, 10), la(MON + timedelta(days=7), 17)),
        (la(SUN, 23), la(MON + timedelta(days=7), 17)),
    ],
)
def test_one_base_business_day_is_one_full_window_of_business_time(filed, due):
    assert BASE.add_business_days(filed, 1) == due


def test_several_business_days_skip_the_weekend():
    assert BASE.add_business_days(la(WED, 10), 3) == la(MON + timedelta(days=7), 10)


def test_one_gold_business_day_is_thirteen_business_hours():
    assert GOLD.add_business_days(la(TUE, 10), 1) == la(WED, 10)
    assert GOLD.add_business_days(la(TUE, 10), 1) == GOLD.add_business_time(
        la(TUE, 10), timedelta(hours=13)
    )


def test_zero_business_days_is_the_next_opening():
    assert BASE.add_business_days(la(SAT, 10), 0) == la(MON + timedelta(days=7), 1)


@pytest.mark.parametrize("days", [-1, 1.5, True, "1"])
def test_business_days_must_be_a_whole_non_negative_number(days):
    with pytest.raises(ValueError, match="days must be a whole number"):
        BASE.add_business_days(la(TUE, 10), days)


# --- business_time_between ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (la(TUE, 10), la(TUE, 12), timedelta(hours=2)),
        (la(TUE, 0), la(TUE, 23), timedelta(hours=16)),
        (la(TUE, 16), la(WED, 2), timedelta(hours=2)),
        (la(FRI, 16), la(MON + timedelta(days=7), 2), timedelta(hours=2)),
        (la(SAT, 1), la(SUN, 23), timedelta(0)),
        (la(MON, 0), la(SAT, 0), timedelta(hours=80)),
        (la(TUE, 12), la(TUE, 12), timedelta(0)),
        (la(TUE, 12), la(TUE, 11), timedelta(0)),
    ],
)
def test_business_time_between_counts_only_in_hours_time(start, end, expected):
    assert BASE.business_time_between(start, end) == expected


def test_business_time_between_undoes_add_business_time():
    start = la(THU, 15, 17)
    duration = timedelta(hours=29, minutes=3)
    assert GOLD.business_time_between(start, GOLD.add_business_time(start, duration)) == duration


# --- showing hours in the viewer's time zone ---------------------------------------------


@pytest.mark.parametrize(
    ("hours", "zone", "on", "opens", "closes"),
    [
        # Winter: both sides on standard time.
        (BASE, "Europe/London", WED, datetime(2026, 1, 14, 9), datetime(2026, 1, 15, 1)),
        (GOLD, "Europe/London", WED, datetime(2026, 1, 14, 13), datetime(2026, 1, 15, 2)),
        (BASE, "America/New_York", WED, datetime(2026, 1, 14, 4), datetime(2026, 1, 14, 20)),
        (GOLD, "America/New_York", WED, datetime(2026, 1, 14, 8), datetime(2026, 1, 14, 21)),
        (BASE, "America/Chicago", WED, datetime(2026, 1, 14, 3), datetime(2026, 1, 14, 19)),
        # Mid-March: the US has moved its clocks, the UK has not yet.
        (
            BASE,
            "Europe/London",
            date(2026, 3, 10),
            datetime(2026, 3, 10, 8),
            datetime(2026, 3, 11, 0),
        ),
        # Summer: both on daylight time.
        (
            BASE,
            "Europe/London",
            date(2026, 7, 15),
            datetime(2026, 7, 15, 9),
            datetime(2026, 7, 16, 1),
        ),
    ],
)
def test_hours_in_shows_the_window_on_the_viewers_wall_clock(hours, zone, on, opens, closes):
    shown_opens, shown_closes = hours.hours_in(zone, on)
    assert shown_opens.tzinfo == ZoneInfo(zone)
    assert shown_opens.replace(tzinfo=None) == opens
    assert shown_closes.replace(tzinfo=None) == closes


def test_hours_in_answers_for_a_weekend_day_too():
    opens, closes = BASE.hours_in("America/Los_Angeles", SAT)
    assert (opens.hour, closes.hour) == (1, 17)


def test_hours_in_rejects_an_unknown_zone():
    with pytest.raises(ValueError, match="Unknown time zone"):
        BASE.hours_in("Mars/Olympus_Mons", WED)


# --- naive datetimes ---------------------------------------------------------------------

NAIVE = datetime(2026, 1, 13, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: BASE.is_open(NAIVE),
        lambda: BASE.next_opening(NAIVE),
        lambda: BASE.windows_from(NAIVE),
        lambda: BASE.add_business_time(NAIVE, timedelta(hours=1)),
        lambda: BASE.add_business_days(NAIVE, 1),
        lambda: BASE.business_time_between(NAIVE, la(WED)),
        lambda: BASE.business_time_between(la(TUE), NAIVE),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_a_date_is_not_accepted_as_an_instant():
    with pytest.raises(ValueError, match="must be a datetime"):
        BASE.is_open(TUE)
