"""Business hours across daylight-saving changes and holidays, and calendar validation."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.policy import BusinessHours

LA = ZoneInfo("America/Los_Angeles")
BASE = BusinessHours(opens=time(1), closes=time(17))
GOLD = BusinessHours(opens=time(5), closes=time(18))
EVERY_DAY = frozenset(range(7))


def la(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LA)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- daylight saving: clocks go forward on Sunday 8 March 2026 ---------------------------


def test_base_window_on_friday_before_spring_forward_is_on_standard_time():
    assert BASE.window_on(date(2026, 3, 6)) == (utc(2026, 3, 6, 9), utc(2026, 3, 7, 1))


def test_base_window_on_monday_after_spring_forward_opens_an_hour_earlier_in_utc():
    assert BASE.window_on(date(2026, 3, 9)) == (utc(2026, 3, 9, 8), utc(2026, 3, 10, 0))


def test_base_day_filed_friday_before_spring_forward_is_due_monday_same_wall_clock_time():
    due = BASE.add_business_days(la(2026, 3, 6, 10), 1)
    assert due == la(2026, 3, 9, 10)
    assert due == utc(2026, 3, 9, 17)  # 10:00 PDT; the filing was 18:00 UTC.
    assert BASE.business_time_between(la(2026, 3, 6, 10), due) == timedelta(hours=16)


def test_gold_hours_filed_friday_afternoon_before_spring_forward_finish_monday_morning():
    assert GOLD.add_business_time(la(2026, 3, 6, 17), timedelta(hours=2)) == la(2026, 3, 9, 6)


def test_base_monday_after_spring_forward_still_holds_sixteen_business_hours():
    monday = date(2026, 3, 9)
    assert BASE.business_time_between(la(2026, 3, 8), la(2026, 3, 10)) == timedelta(hours=16)
    assert BASE.add_business_days(la(2026, 3, 8, 12), 1) == la(2026, 3, 9, 17)
    assert BASE.is_open(datetime.combine(monday, time(1), tzinfo=LA))
    assert not BASE.is_open(utc(2026, 3, 9, 7, 59))


# --- daylight saving: clocks go back on Sunday 1 November 2026 ---------------------------


def test_base_window_on_friday_before_fall_back_is_on_daylight_time():
    assert BASE.window_on(date(2026, 10, 30)) == (utc(2026, 10, 30, 8), utc(2026, 10, 31, 0))


def test_base_window_on_monday_after_fall_back_opens_an_hour_later_in_utc():
    assert BASE.window_on(date(2026, 11, 2)) == (utc(2026, 11, 2, 9), utc(2026, 11, 3, 1))


def test_base_day_filed_friday_before_fall_back_is_due_monday_same_wall_clock_time():
    due = BASE.add_business_days(la(2026, 10, 30, 10), 1)
    assert due == la(2026, 11, 2, 10)
    assert due == utc(2026, 11, 2, 18)
    assert BASE.business_time_between(la(2026, 10, 30, 10), due) == timedelta(hours=16)


def test_gold_hours_carry_over_the_fall_back_weekend():
    assert GOLD.add_business_time(la(2026, 10, 30, 17), timedelta(hours=6)) == la(2026, 11, 2, 10)


# --- windows that contain a daylight-saving change (a calendar open on Sundays) ----------

NIGHT_SHIFT = BusinessHours(opens=time(1), closes=time(4), weekdays=EVERY_DAY)


def test_window_containing_spring_forward_lasts_two_real_hours():
    start, end = NIGHT_SHIFT.window_on(date(2026, 3, 8))
    assert end - start == timedelta(hours=2)
    assert NIGHT_SHIFT.add_business_time(la(2026, 3, 8, 1), timedelta(hours=2)) == la(2026, 3, 8, 4)


def test_window_containing_fall_back_lasts_four_real_hours():
    start, end = NIGHT_SHIFT.window_on(date(2026, 11, 1))
    assert end - start == timedelta(hours=4)
    assert (start, end) == (utc(2026, 11, 1, 8), utc(2026, 11, 1, 12))


def test_business_day_is_the_nominal_window_length_even_on_a_fall_back_day():
    # The window holds four real hours that day, but a business day is three.
    due = NIGHT_SHIFT.add_business_days(la(2026, 11, 1, 1), 1)
    assert due == utc(2026, 11, 1, 11)  # 03:00 PST, an hour before that day's closing.


def test_opening_time_inside_the_skipped_hour_uses_the_offset_before_the_change():
    odd = BusinessHours(opens=time(2, 30), closes=time(5), weekdays=EVERY_DAY)
    # 02:30 PST would be 10:30 UTC, which the clocks show as 03:30 PDT.
    assert odd.window_on(date(2026, 3, 8)) == (utc(2026, 3, 8, 10, 30), utc(2026, 3, 8, 12))


def test_round_the_clock_calendar_adds_real_elapsed_time_across_daylight_saving():
    always = BusinessHours(opens=time(0), closes=time(0), weekdays=EVERY_DAY)
    assert always.window_length == timedelta(hours=24)
    start = la(2026, 3, 7, 12)
    assert always.add_business_time(start, timedelta(hours=48)) == start.astimezone(
        UTC
    ) + timedelta(hours=48)
    assert always.business_time_between(start, la(2026, 3, 9, 12)) == timedelta(hours=47)


def test_calendar_closing_at_midnight_is_open_until_the_end_of_the_day():
    evening = BusinessHours(opens=time(18), closes=time(0))
    assert evening.window_length == timedelta(hours=6)
    assert evening.is_open(la(2026, 1, 13, 23, 59))
    assert not evening.is_open(la(2026, 1, 14, 0))
    assert evening.add_business_time(la(2026, 1, 13, 20), timedelta(hours=4)) == la(2026, 1, 14)


# --- holidays ----------------------------------------------------------------------------

MEMORIAL_DAY = date(2026, 5, 25)  # a Monday
CHRISTMAS_EVE, CHRISTMAS = date(2026, 12, 24), date(2026, 12, 25)  # Thursday, Friday
BASE_WITH_HOLIDAYS = BusinessHours(
    opens=time(1), closes=time(17), holidays=frozenset({MEMORIAL_DAY, CHRISTMAS_EVE, CHRISTMAS})
)
GOLD_WITH_HOLIDAYS = BusinessHours(
    opens=time(5), closes=time(18), holidays=frozenset({MEMORIAL_DAY, CHRISTMAS_EVE, CHRISTMAS})
)


def test_support_is_closed_all_day_on_a_holiday():
    assert BASE_WITH_HOLIDAYS.window_on(MEMORIAL_DAY) is None
    assert not BASE_WITH_HOLIDAYS.is_open(la(2026, 5, 25, 10))
    assert not BASE_WITH_HOLIDAYS.is_business_day(MEMORIAL_DAY)


def test_holiday_on_the_monday_after_a_weekend_moves_the_clock_to_tuesday():
    filed = la(2026, 5, 22, 18)  # Friday evening
    assert BASE_WITH_HOLIDAYS.next_opening(filed) == la(2026, 5, 26, 1)
    assert BASE_WITH_HOLIDAYS.add_business_days(filed, 1) == la(2026, 5, 26, 17)


def test_day_counted_from_friday_skips_weekend_and_monday_holiday():
    assert BASE_WITH_HOLIDAYS.add_business_days(la(2026, 5, 22, 10), 1) == la(2026, 5, 26, 10)


def test_consecutive_holidays_are_both_skipped():
    # Two hours left on Wednesday, then Thursday, Friday and the weekend are closed.
    due = GOLD_WITH_HOLIDAYS.add_business_time(la(2026, 12, 23, 16), timedelta(hours=6))
    assert due == la(2026, 12, 28, 9)


def test_case_filed_during_normal_hours_on_a_holiday_starts_at_next_business_day():
    assert BASE_WITH_HOLIDAYS.add_business_days(la(2026, 12, 25, 10), 1) == la(2026, 12, 28, 17)


def test_business_time_between_skips_holidays():
    elapsed = BASE_WITH_HOLIDAYS.business_time_between(la(2026, 12, 23, 16), la(2026, 12, 28, 2))
    assert elapsed == timedelta(hours=2)


def test_holidays_are_dates_in_the_calendars_own_zone():
    # 20:00 UTC on Christmas Eve is lunchtime in Los Angeles: still the holiday.
    assert not BASE_WITH_HOLIDAYS.is_open(utc(2026, 12, 24, 20))
    # 09:00 UTC on the 23rd is 01:00 in Los Angeles: an ordinary opening.
    assert BASE_WITH_HOLIDAYS.is_open(utc(2026, 12, 23, 9))


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"opens": time(17), "closes": time(1)}, "must be after opening"),
        ({"opens": time(9), "closes": time(9)}, "must be after opening"),
        ({"opens": time(9), "closes": time(17), "timezone": "Nowhere/Else"}, "Unknown time zone"),
        ({"opens": time(9), "closes": time(17), "weekdays": frozenset()}, "weekdays"),
        ({"opens": time(9), "closes": time(17), "weekdays": frozenset({7})}, "weekdays"),
        ({"opens": time(9), "closes": time(17), "holidays": {datetime(2026, 1, 1)}}, "holidays"),
        ({"opens": time(9, tzinfo=UTC), "closes": time(17)}, "without a zone"),
        ({"opens": "09:00", "closes": time(17)}, "without a zone"),
    ],
)
def test_invalid_business_hours_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BusinessHours(**kwargs)


def test_weekdays_and_holidays_given_as_lists_are_stored_as_frozensets():
    hours = BusinessHours(opens=time(9), closes=time(17), weekdays=[0, 2], holidays=[CHRISTMAS])
    assert hours.weekdays == frozenset({0, 2})
    assert hours.holidays == frozenset({CHRISTMAS})


def test_business_hours_default_to_weekdays_in_pacific_time_without_holidays():
    assert BASE.timezone == "America/Los_Angeles"
    assert BASE.weekdays == frozenset({0, 1, 2, 3, 4})
    assert BASE.holidays == frozenset()


def test_calendar_that_never_opens_again_fails_instead_of_searching_forever():
    sunday_only = BusinessHours(
        opens=time(9),
        closes=time(17),
        weekdays=frozenset({6}),
        holidays=frozenset(date(2026, 1, 4) + timedelta(weeks=n) for n in range(200)),
    )
    with pytest.raises(ValueError, match="never opens"):
        sunday_only.next_opening(la(2026, 1, 1))
