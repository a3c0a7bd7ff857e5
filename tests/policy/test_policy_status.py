"""Standing against the response target: on track, at risk, breached, met."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.policy import (
    DEFAULT_POLICY,
    NO_TARGET,
    Severity,
    SlaStatus,
    Tier,
    is_at_risk,
    is_breached,
    response_due_at,
    response_met,
    sla_status,
)

LA = ZoneInfo("America/Los_Angeles")
# Mid-January 2026, Pacific standard time.
TUE, WED = date(2026, 1, 13), date(2026, 1, 14)
FRI, SAT, SUN = date(2026, 1, 16), date(2026, 1, 17), date(2026, 1, 18)
NEXT_MON = date(2026, 1, 19)
GOLD = DEFAULT_POLICY.hours_for(Tier.GOLD)
BASE = DEFAULT_POLICY.hours_for(Tier.BASE)
GOLD_P1 = DEFAULT_POLICY.target_for(Tier.GOLD, Severity.P1)
BASE_P1 = DEFAULT_POLICY.target_for(Tier.BASE, Severity.P1)
SECOND = timedelta(seconds=1)


def la(on: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(on.year, on.month, on.day, hour, minute, tzinfo=LA)


# Gold P1 filed Tuesday 10:00, due Tuesday 12:00 (two business hours).
GOLD_DUE = la(TUE, 12)
# Base P1 filed Tuesday 10:00, due Wednesday 10:00 (sixteen business hours).
BASE_DUE = la(WED, 10)


def test_fixture_due_times_match_the_policy():
    assert response_due_at(la(TUE, 10), Tier.GOLD, Severity.P1) == GOLD_DUE
    assert response_due_at(la(TUE, 10), Tier.BASE, Severity.P1) == BASE_DUE


# --- breached ----------------------------------------------------------------------------


def test_case_is_not_breached_before_or_exactly_at_its_due_time():
    assert not is_breached(GOLD_DUE, la(TUE, 11))
    assert not is_breached(GOLD_DUE, GOLD_DUE)


def test_case_is_breached_the_moment_after_its_due_time():
    assert is_breached(GOLD_DUE, GOLD_DUE + timedelta(microseconds=1))


def test_case_without_target_is_never_breached():
    assert not is_breached(None, la(TUE, 11))


# --- at risk -----------------------------------------------------------------------------


def test_gold_p1_is_at_risk_once_less_than_a_quarter_of_its_two_hours_remain():
    assert not is_at_risk(GOLD_DUE, la(TUE, 10), GOLD_P1, GOLD)
    assert not is_at_risk(GOLD_DUE, la(TUE, 11, 30), GOLD_P1, GOLD)  # exactly 30 minutes left
    assert is_at_risk(GOLD_DUE, la(TUE, 11, 30) + SECOND, GOLD_P1, GOLD)
    assert is_at_risk(GOLD_DUE, GOLD_DUE, GOLD_P1, GOLD)


def test_breached_case_is_breached_rather_than_at_risk():
    assert not is_at_risk(GOLD_DUE, GOLD_DUE + SECOND, GOLD_P1, GOLD)


def test_nights_do_not_count_down_towards_the_due_time():
    # At 22:00 Tuesday nine business hours remain (01:00-10:00 Wednesday).
    assert not is_at_risk(BASE_DUE, la(TUE, 22), BASE_P1, BASE)
    assert not is_at_risk(BASE_DUE, la(WED, 6), BASE_P1, BASE)  # exactly four hours left
    assert is_at_risk(BASE_DUE, la(WED, 6) + SECOND, BASE_P1, BASE)


def test_weekend_does_not_count_down_towards_monday_due_time():
    due = response_due_at(la(FRI, 19), Tier.GOLD, Severity.P1)
    assert due == la(NEXT_MON, 7)
    assert not is_at_risk(due, la(SAT, 12), GOLD_P1, GOLD)
    assert not is_at_risk(due, la(SUN, 23), GOLD_P1, GOLD)
    assert is_at_risk(due, la(NEXT_MON, 6, 45), GOLD_P1, GOLD)


def test_at_risk_share_can_be_changed():
    assert is_at_risk(GOLD_DUE, la(TUE, 11, 1), GOLD_P1, GOLD, share=0.5)
    assert not is_at_risk(GOLD_DUE, la(TUE, 11, 59), GOLD_P1, GOLD, share=0)


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_at_risk_share_must_be_a_fraction(share):
    with pytest.raises(ValueError, match="share"):
        is_at_risk(GOLD_DUE, la(TUE, 11), GOLD_P1, GOLD, share=share)


def test_case_without_target_is_never_at_risk():
    assert not is_at_risk(None, la(TUE, 11, 59), NO_TARGET, GOLD)


# --- combined status and met -------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_at", "now", "target", "status"),
    [
        (None, la(TUE, 11), NO_TARGET, SlaStatus.NO_TARGET),
        (GOLD_DUE, la(TUE, 10), GOLD_P1, SlaStatus.ON_TRACK),
        (GOLD_DUE, la(TUE, 11, 45), GOLD_P1, SlaStatus.AT_RISK),
        (GOLD_DUE, la(TUE, 12, 1), GOLD_P1, SlaStatus.BREACHED),
    ],
)
def test_sla_status_names_the_cases_standing(due_at, now, target, status):
    assert sla_status(due_at, now, target, GOLD) is status


def test_reply_on_or_before_due_time_meets_the_target():
    assert response_met(GOLD_DUE, GOLD_DUE) is True
    assert response_met(GOLD_DUE, la(TUE, 10, 5)) is True


def test_reply_after_due_time_misses_the_target():
    assert response_met(GOLD_DUE, la(TUE, 12, 1)) is False


def test_reply_to_a_case_without_target_neither_meets_nor_misses():
    assert response_met(None, la(TUE, 12, 1)) is None


NAIVE = datetime(2026, 1, 13, 11)


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_breached(GOLD_DUE, NAIVE),
        lambda: is_breached(NAIVE, la(TUE, 11)),
        lambda: is_breached(None, NAIVE),
        lambda: is_at_risk(GOLD_DUE, NAIVE, GOLD_P1, GOLD),
        lambda: is_at_risk(None, NAIVE, NO_TARGET, GOLD),
        lambda: sla_status(None, NAIVE, NO_TARGET, GOLD),
        lambda: response_met(GOLD_DUE, NAIVE),
        lambda: response_met(None, NAIVE),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()
