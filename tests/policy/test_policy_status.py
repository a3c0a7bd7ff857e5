"""Standing against the response target: on track, at risk, breached, met, missed, none."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.policy import (
    DEFAULT_POLICY,
    NO_TARGET,
    Severity,
    SlaStanding,
    Tier,
    is_at_risk,
    is_breached,
    response_due_at,
    response_met,
    sla_standing,
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


# --- the one standing -------------------------------------------------------------------


def standing(
    now: datetime,
    due_at: datetime | None = GOLD_DUE,
    answered_at: datetime | None = None,
    closed_at: datetime | None = None,
    target=GOLD_P1,
    share: float = 0.25,
) -> SlaStanding:
    return sla_standing(due_at, answered_at, closed_at, now, target, GOLD, share)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # Waiting for the first reply, Gold P1 due Tuesday 12:00.
        (dict(now=la(TUE, 10)), SlaStanding.ON_TRACK),
        (dict(now=la(TUE, 11, 30)), SlaStanding.ON_TRACK),  # exactly a quarter left
        (dict(now=la(TUE, 11, 30) + SECOND), SlaStanding.AT_RISK),
        (dict(now=GOLD_DUE), SlaStanding.AT_RISK),  # exactly at the due time: not yet late
        (dict(now=GOLD_DUE + timedelta(microseconds=1)), SlaStanding.BREACHED),
        # Answered: the reply time decides, whenever we look.
        (dict(now=la(WED, 9), answered_at=la(TUE, 10, 5)), SlaStanding.MET),
        (dict(now=la(WED, 9), answered_at=GOLD_DUE), SlaStanding.MET),
        (dict(now=la(WED, 9), answered_at=GOLD_DUE + SECOND), SlaStanding.MISSED),
        (dict(now=la(TUE, 11), answered_at=la(TUE, 10, 30)), SlaStanding.MET),
        # Closed without a reply: missed only if the due time passed while it was open.
        (dict(now=la(WED, 9), closed_at=la(TUE, 11)), SlaStanding.NONE),
        (dict(now=la(WED, 9), closed_at=GOLD_DUE), SlaStanding.NONE),
        (dict(now=la(WED, 9), closed_at=GOLD_DUE + SECOND), SlaStanding.MISSED),
        # Answered, then closed: the reply decides.
        (dict(now=la(WED, 9), answered_at=la(TUE, 13), closed_at=la(TUE, 14)), SlaStanding.MISSED),
        # No target: nothing to measure, answered or not, open or closed.
        (dict(now=la(TUE, 11), due_at=None, target=NO_TARGET), SlaStanding.NONE),
        (
            dict(now=la(WED, 9), due_at=None, answered_at=la(WED, 8), target=NO_TARGET),
            SlaStanding.NONE,
        ),
        (dict(now=la(WED, 9), target=NO_TARGET), SlaStanding.NONE),
    ],
)
def test_sla_standing_names_the_cases_standing(case, expected):
    assert standing(**case) is expected


def test_every_standing_is_reachable_and_labelled():
    seen = {
        standing(la(TUE, 10)),
        standing(la(TUE, 11, 45)),
        standing(la(TUE, 12, 1)),
        standing(la(WED, 9), answered_at=la(TUE, 11)),
        standing(la(WED, 9), answered_at=la(TUE, 12, 1)),
        standing(la(WED, 9), due_at=None, target=NO_TARGET),
    }
    assert seen == set(SlaStanding)
    assert [s.value for s in SlaStanding] == [
        "on_track",
        "at_risk",
        "breached",
        "met",
        "missed",
        "none",
    ]
    assert all(s.label for s in SlaStanding)


def test_the_at_risk_share_moves_the_at_risk_line():
    assert standing(la(TUE, 11, 1), share=0.5) is SlaStanding.AT_RISK
    assert standing(la(TUE, 11, 1), share=0.25) is SlaStanding.ON_TRACK
    assert standing(la(TUE, 11, 59), share=0) is SlaStanding.ON_TRACK
    assert standing(la(TUE, 10, 1), share=1) is SlaStanding.AT_RISK


@pytest.mark.parametrize("share", [-0.1, 1.5, True, "0.3"])
def test_the_standing_refuses_a_share_outside_nought_to_one(share):
    with pytest.raises(ValueError, match="share"):
        standing(la(TUE, 10), answered_at=la(TUE, 11), share=share)


def test_answered_matches_response_met():
    for answered_at in (la(TUE, 10, 5), GOLD_DUE, GOLD_DUE + SECOND):
        met = response_met(GOLD_DUE, answered_at)
        expected = SlaStanding.MET if met else SlaStanding.MISSED
        assert standing(la(WED, 9), answered_at=answered_at) is expected


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
        lambda: sla_standing(None, None, None, NAIVE, NO_TARGET, GOLD),
        lambda: sla_standing(GOLD_DUE, None, None, NAIVE, GOLD_P1, GOLD),
        lambda: sla_standing(GOLD_DUE, NAIVE, None, la(TUE, 11), GOLD_P1, GOLD),
        lambda: sla_standing(GOLD_DUE, None, NAIVE, la(TUE, 11), GOLD_P1, GOLD),
        lambda: response_met(GOLD_DUE, NAIVE),
        lambda: response_met(None, NAIVE),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()
