"""The response clock on the case page, computed on the server."""

from __future__ import annotations

from datetime import timedelta

from portal.cases import closure, conversation
from portal.cases.clock import describe_duration, response_clock
from tests.conftest import TUESDAY_MORNING, make_case


def test_durations_read_naturally():
    assert describe_duration(timedelta(hours=3, minutes=20)) == "3 h 20 min"
    assert describe_duration(timedelta(minutes=45)) == "45 min"
    assert describe_duration(timedelta(days=2, hours=1)) == "2 d 1 h"
    assert describe_duration(timedelta(seconds=20)) == "under a minute"


def test_gold_p2_clock_counts_down_in_business_hours(gold_p2_case_new):
    clock = response_clock(gold_p2_case_new, TUESDAY_MORNING + timedelta(hours=2, minutes=40))
    assert clock.state == "running" and clock.text.startswith("Due in 3 h 20 min of business")


def test_clock_says_overdue_once_the_due_time_passed(gold_contact, contoso):
    case = make_case(gold_contact, contoso, severity="P1")
    clock = response_clock(case, TUESDAY_MORNING + timedelta(hours=3))
    assert clock.state == "overdue" and clock.text == "Overdue by 1 h."


def test_clock_shows_met_once_answered(gold_p2_case_new, tse):
    conversation.post_message(
        gold_p2_case_new, tse, "Hello", now=TUESDAY_MORNING + timedelta(hours=1)
    )
    assert (
        response_clock(gold_p2_case_new, TUESDAY_MORNING + timedelta(days=3)).state
        == "answered_met"
    )


def test_clock_has_nothing_to_count_without_a_target(base_contact, northwind):
    case = make_case(base_contact, northwind, severity="P5")
    assert response_clock(case, TUESDAY_MORNING).state == "none"


def test_clock_counts_a_case_closed_unanswered_after_its_due_time_as_missed(
    gold_p2_case_new, gold_contact
):
    # Gold P2 filed Tuesday 08:00 Pacific is due 14:00; the customer closes it at 15:00.
    later = TUESDAY_MORNING + timedelta(hours=7)
    closure.close_case(gold_p2_case_new, gold_contact, reason="Found the cause myself", now=later)
    clock = response_clock(gold_p2_case_new, later + timedelta(days=1))
    assert clock.state == "closed_missed" and clock.sla.value == "missed"


def test_clock_measures_nothing_for_a_case_closed_before_its_due_time(
    gold_p2_case_new, gold_contact
):
    sooner = TUESDAY_MORNING + timedelta(hours=1)
    closure.close_case(gold_p2_case_new, gold_contact, reason="Found the cause myself", now=sooner)
    clock = response_clock(gold_p2_case_new, sooner + timedelta(days=1))
    assert clock.state == "none" and clock.text == "Closed before a reply from support."
    assert clock.sla.value == "none"


def test_clock_at_risk_follows_the_share_setting(app, gold_p2_case_new):
    # At 12:00 two of the six hours are left: on track at a quarter, at risk at a half.
    noon = TUESDAY_MORNING + timedelta(hours=4)
    assert response_clock(gold_p2_case_new, noon).sla.value == "on_track"
    app.config["SLA_AT_RISK_SHARE"] = 0.5
    clock = response_clock(gold_p2_case_new, noon)
    assert clock.state == "running" and clock.sla.value == "at_risk"
