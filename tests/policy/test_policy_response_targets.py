"""Response targets per tier and severity, and when a case's first reply is due."""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.policy import (
    DEFAULT_POLICY,
    NO_TARGET,
    BusinessHours,
    ResponseTarget,
    Severity,
    SupportPolicy,
    Tier,
    is_breached,
    recompute_due_at,
    response_due_at,
)

LA = ZoneInfo("America/Los_Angeles")
# Mid-January 2026, Pacific standard time: Mon 12th .. Fri 16th.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 1, day) for day in range(12, 19))
NEXT_MON = date(2026, 1, 19)


def la(on: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(on.year, on.month, on.day, hour, minute, tzinfo=LA)


# --- the published table -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "severity", "wording"),
    [
        (Tier.BASE, Severity.P1, "1 business day"),
        (Tier.BASE, Severity.P2, "1 business day"),
        (Tier.BASE, Severity.P3, "1 business day"),
        (Tier.BASE, Severity.P4, "No target"),
        (Tier.BASE, Severity.P5, "No target"),
        (Tier.GOLD, Severity.P1, "2 business hours"),
        (Tier.GOLD, Severity.P2, "6 business hours"),
        (Tier.GOLD, Severity.P3, "1 business day"),
        (Tier.GOLD, Severity.P4, "No target"),
        (Tier.GOLD, Severity.P5, "No target"),
    ],
)
def test_default_policy_holds_the_published_targets(tier, severity, wording):
    assert DEFAULT_POLICY.target_for(tier, severity).describe() == wording


def test_default_policy_hours_are_base_one_to_five_and_gold_five_to_six_pacific_on_weekdays():
    base, gold = DEFAULT_POLICY.hours_for(Tier.BASE), DEFAULT_POLICY.hours_for(Tier.GOLD)
    assert (base.opens, base.closes) == (time(1), time(17))
    assert (gold.opens, gold.closes) == (time(5), time(18))
    for hours in (base, gold):
        assert hours.timezone == "America/Los_Angeles"
        assert hours.weekdays == frozenset(range(5))
        assert hours.holidays == frozenset()


# --- Gold --------------------------------------------------------------------------------


def test_gold_p1_filed_friday_evening_is_due_monday_morning():
    due = response_due_at(la(FRI, 19), Tier.GOLD, Severity.P1)
    assert due == la(NEXT_MON, 7)
    assert due == datetime(2026, 1, 19, 15, tzinfo=UTC)


def test_gold_p1_filed_mid_morning_is_due_two_hours_later():
    assert response_due_at(la(TUE, 9, 15), Tier.GOLD, Severity.P1) == la(TUE, 11, 15)


def test_gold_p1_filed_before_opening_is_due_two_hours_after_opening():
    assert response_due_at(la(TUE, 3), Tier.GOLD, Severity.P1) == la(TUE, 7)


def test_gold_p1_filed_exactly_at_opening_is_due_two_hours_later():
    assert response_due_at(la(TUE, 5), Tier.GOLD, Severity.P1) == la(TUE, 7)


def test_gold_p1_filed_exactly_at_closing_is_due_next_morning():
    assert response_due_at(la(TUE, 18), Tier.GOLD, Severity.P1) == la(WED, 7)


def test_gold_p1_filed_an_hour_before_closing_finishes_next_morning():
    assert response_due_at(la(TUE, 17), Tier.GOLD, Severity.P1) == la(WED, 6)


def test_gold_p2_filed_at_noon_is_due_at_closing_the_same_day():
    assert response_due_at(la(TUE, 12), Tier.GOLD, Severity.P2) == la(TUE, 18)


def test_gold_p2_filed_late_afternoon_is_due_next_morning():
    assert response_due_at(la(TUE, 16), Tier.GOLD, Severity.P2) == la(WED, 9)


def test_gold_p2_filed_friday_afternoon_is_due_monday():
    assert response_due_at(la(FRI, 15), Tier.GOLD, Severity.P2) == la(NEXT_MON, 8)


def test_gold_p3_is_one_gold_business_day_of_thirteen_hours():
    assert response_due_at(la(TUE, 10), Tier.GOLD, Severity.P3) == la(WED, 10)
    assert response_due_at(la(SAT, 10), Tier.GOLD, Severity.P3) == la(NEXT_MON, 18)


# --- Base --------------------------------------------------------------------------------


@pytest.mark.parametrize("severity", [Severity.P1, Severity.P2, Severity.P3])
def test_base_p1_to_p3_filed_tuesday_morning_are_due_wednesday_same_time(severity):
    assert response_due_at(la(TUE, 10), Tier.BASE, severity) == la(WED, 10)


def test_base_case_filed_on_saturday_is_due_at_close_of_monday():
    assert response_due_at(la(SAT, 10), Tier.BASE, Severity.P1) == la(NEXT_MON, 17)


def test_base_case_filed_friday_afternoon_is_due_monday_afternoon():
    assert response_due_at(la(FRI, 16), Tier.BASE, Severity.P2) == la(NEXT_MON, 16)


def test_base_case_filed_before_opening_is_due_at_closing_that_day():
    assert response_due_at(la(WED, 0, 30), Tier.BASE, Severity.P3) == la(WED, 17)


def test_base_case_filed_exactly_at_closing_is_due_at_closing_next_day():
    assert response_due_at(la(WED, 17), Tier.BASE, Severity.P3) == la(THU, 17)


# --- no target, zones, naive input -------------------------------------------------------


@pytest.mark.parametrize("tier", list(Tier))
@pytest.mark.parametrize("severity", [Severity.P4, Severity.P5])
def test_p4_and_p5_have_no_due_time(tier, severity):
    assert response_due_at(la(TUE, 10), tier, severity) is None
    assert DEFAULT_POLICY.target_for(tier, severity) == NO_TARGET


def test_due_time_is_given_in_utc_whatever_zone_the_filing_time_was_in():
    filed = datetime(2026, 1, 13, 14, tzinfo=ZoneInfo("Europe/London"))  # 06:00 in LA
    due = response_due_at(filed, Tier.GOLD, Severity.P1)
    assert due.tzinfo is UTC
    assert due == la(TUE, 8)


@pytest.mark.parametrize("severity", list(Severity))
def test_naive_filing_time_is_rejected_even_without_a_target(severity):
    with pytest.raises(ValueError, match="timezone-aware"):
        response_due_at(datetime(2026, 1, 13, 10), Tier.GOLD, severity)


def test_tier_and_severity_may_be_given_as_their_codes():
    assert response_due_at(la(TUE, 10), "gold", "P1") == la(TUE, 12)


# --- severity changes --------------------------------------------------------------------


def test_lowering_severity_keeps_counting_from_the_filing_time():
    filed = la(TUE, 10)
    assert recompute_due_at(filed, Tier.GOLD, Severity.P2) == la(TUE, 16)


def test_raising_severity_late_can_make_a_case_overdue_at_once():
    filed = la(TUE, 10)  # filed as Gold P3, due Wednesday 10:00
    changed_at = la(WED, 9)
    due = recompute_due_at(filed, Tier.GOLD, Severity.P1)
    assert due == la(TUE, 12)
    assert is_breached(due, changed_at)


def test_recomputed_due_time_leaves_exactly_the_new_target_of_business_time_after_filing():
    filed = la(THU, 16, 40)
    due = recompute_due_at(filed, Tier.GOLD, Severity.P2)
    gold = DEFAULT_POLICY.hours_for(Tier.GOLD)
    assert gold.business_time_between(filed, due) == timedelta(hours=6)


def test_changing_to_a_severity_without_target_clears_the_due_time():
    assert recompute_due_at(la(TUE, 10), Tier.BASE, Severity.P5) is None


# --- custom policies ---------------------------------------------------------------------


def test_policy_with_holidays_pushes_due_time_past_them():
    hours = dict(DEFAULT_POLICY.hours)
    hours[Tier.GOLD] = dataclasses.replace(hours[Tier.GOLD], holidays=frozenset({NEXT_MON}))
    policy = dataclasses.replace(DEFAULT_POLICY, hours=hours)
    due = response_due_at(la(FRI, 19), Tier.GOLD, Severity.P1, policy)
    assert due == la(date(2026, 1, 20), 7)
    # The default table is untouched.
    assert response_due_at(la(FRI, 19), Tier.GOLD, Severity.P1) == la(NEXT_MON, 7)


def test_policy_targets_are_data_an_administrator_can_change():
    targets = dict(DEFAULT_POLICY.targets)
    targets[(Tier.BASE, Severity.P4)] = ResponseTarget("business_days", 3)
    policy = SupportPolicy(hours=DEFAULT_POLICY.hours, targets=targets)
    assert policy.response_due_at(la(MON, 10), Tier.BASE, Severity.P4) == la(THU, 10)


def test_missing_targets_mean_no_target():
    policy = SupportPolicy(hours=DEFAULT_POLICY.hours, targets={})
    assert policy.target_for(Tier.GOLD, Severity.P1) == NO_TARGET
    assert policy.response_due_at(la(MON, 10), Tier.GOLD, Severity.P1) is None


def test_policy_keeps_its_own_copy_of_the_tables():
    targets = {(Tier.GOLD, Severity.P1): ResponseTarget("business_hours", 2)}
    policy = SupportPolicy(hours=DEFAULT_POLICY.hours, targets=targets)
    targets[(Tier.GOLD, Severity.P1)] = ResponseTarget("business_hours", 9)
    assert policy.target_for(Tier.GOLD, Severity.P1).amount == 2


def test_policy_accepts_codes_as_keys_and_stores_enums():
    hours = {"base": DEFAULT_POLICY.hours[Tier.BASE], "gold": DEFAULT_POLICY.hours[Tier.GOLD]}
    policy = SupportPolicy(
        hours=hours, targets={("gold", "p1"): ResponseTarget("business_hours", 2)}
    )
    assert set(policy.hours) == {Tier.BASE, Tier.GOLD}
    assert all(type(tier) is Tier for tier in policy.hours)
    assert policy.targets[(Tier.GOLD, Severity.P1)].describe() == "2 business hours"


@pytest.mark.parametrize(
    ("hours", "targets", "message"),
    [
        ({Tier.BASE: DEFAULT_POLICY.hours[Tier.BASE]}, {}, "missing for tier"),
        ({**DEFAULT_POLICY.hours, Tier.GOLD: "05:00-18:00"}, {}, "must be BusinessHours"),
        (DEFAULT_POLICY.hours, {Tier.GOLD: NO_TARGET}, "must be \\(tier, severity\\) pairs"),
        (DEFAULT_POLICY.hours, {(Tier.GOLD, "P9"): NO_TARGET}, "Unknown severity"),
        (DEFAULT_POLICY.hours, {("silver", "P1"): NO_TARGET}, "Unknown support tier"),
        (DEFAULT_POLICY.hours, {(Tier.GOLD, Severity.P1): "2h"}, "must be a ResponseTarget"),
    ],
)
def test_invalid_policies_are_rejected(hours, targets, message):
    with pytest.raises(ValueError, match=message):
        SupportPolicy(hours=hours, targets=targets)


# --- ResponseTarget ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "wording"),
    [
        (ResponseTarget("business_hours", 1), "1 business hour"),
        (ResponseTarget("business_hours", 6), "6 business hours"),
        (ResponseTarget("business_days", 1), "1 business day"),
        (ResponseTarget("business_days", 2), "2 business days"),
        (ResponseTarget("none"), "No target"),
        (ResponseTarget("none", 0), "No target"),
    ],
)
def test_response_target_describes_itself(target, wording):
    assert target.describe() == wording


def test_business_day_target_lasts_one_window_of_the_tiers_hours():
    target = ResponseTarget("business_days", 2)
    assert target.duration(DEFAULT_POLICY.hours_for(Tier.BASE)) == timedelta(hours=32)
    assert target.duration(DEFAULT_POLICY.hours_for(Tier.GOLD)) == timedelta(hours=26)
    assert NO_TARGET.duration(DEFAULT_POLICY.hours_for(Tier.GOLD)) is None
    assert not NO_TARGET.has_target and target.has_target


@pytest.mark.parametrize(
    ("kind", "amount", "message"),
    [
        ("weeks", 1, "Unknown target kind"),
        ("business_hours", 0, "at least 1"),
        ("business_days", -1, "at least 1"),
        ("business_hours", 1.5, "whole number"),
        ("business_hours", True, "whole number"),
        ("none", 2, "takes no amount"),
    ],
)
def test_invalid_response_targets_are_rejected(kind, amount, message):
    with pytest.raises(ValueError, match=message):
        ResponseTarget(kind, amount)


def test_response_target_due_at_uses_the_given_hours():
    night = BusinessHours(opens=time(20), closes=time(23))
    assert ResponseTarget("business_hours", 4).due_at(la(TUE, 12), night) == la(WED, 21)
