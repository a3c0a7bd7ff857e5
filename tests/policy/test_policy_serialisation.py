"""Storing the support table as JSON and reading it back."""

import copy
import dataclasses
import json
from datetime import date, time

import pytest

from portal.policy import (
    DEFAULT_POLICY,
    NO_TARGET,
    BusinessHours,
    ResponseTarget,
    Severity,
    SupportPolicy,
    Tier,
)


def test_default_policy_survives_a_json_round_trip():
    stored = json.dumps(DEFAULT_POLICY.to_dict())
    assert SupportPolicy.from_dict(json.loads(stored)) == DEFAULT_POLICY


def test_policy_dict_lists_hours_and_every_target_by_code():
    data = DEFAULT_POLICY.to_dict()
    assert data["version"] == 1
    assert data["hours"]["base"] == {
        "timezone": "America/Los_Angeles",
        "opens": "01:00",
        "closes": "17:00",
        "weekdays": [0, 1, 2, 3, 4],
        "holidays": [],
    }
    assert data["targets"]["gold"]["P1"] == {"kind": "business_hours", "amount": 2}
    assert data["targets"]["base"]["P3"] == {"kind": "business_days", "amount": 1}
    assert data["targets"]["base"]["P5"] == {"kind": "none", "amount": 0}
    assert set(data["targets"]) == {"base", "gold"}
    assert all(set(row) == {"P1", "P2", "P3", "P4", "P5"} for row in data["targets"].values())


def test_edited_policy_with_holidays_and_odd_hours_round_trips():
    gold = BusinessHours(
        timezone="Europe/Dublin",
        opens=time(7, 30),
        closes=time(0),
        weekdays=frozenset({0, 1, 2, 3, 4, 5}),
        holidays=frozenset({date(2026, 12, 25), date(2026, 3, 17)}),
    )
    base = BusinessHours(opens=time(8, 0, 30), closes=time(16, 45))
    policy = SupportPolicy(
        hours={Tier.BASE: base, Tier.GOLD: gold},
        targets={
            (Tier.GOLD, Severity.P1): ResponseTarget("business_hours", 1),
            (Tier.BASE, Severity.P4): ResponseTarget("business_days", 5),
        },
    )
    data = json.loads(json.dumps(policy.to_dict()))
    assert data["hours"]["gold"]["closes"] == "24:00"
    assert data["hours"]["gold"]["holidays"] == ["2026-03-17", "2026-12-25"]
    assert data["hours"]["base"]["opens"] == "08:00:30"
    assert SupportPolicy.from_dict(data) == policy


def test_targets_left_out_of_stored_policy_have_no_target():
    data = DEFAULT_POLICY.to_dict()
    del data["targets"]["gold"]["P2"]
    policy = SupportPolicy.from_dict(data)
    assert policy.target_for(Tier.GOLD, Severity.P2) == NO_TARGET


def test_business_hours_dict_may_leave_out_zone_weekdays_and_holidays():
    hours = BusinessHours.from_dict({"opens": "09:00", "closes": "17:00"})
    assert hours == BusinessHours(opens=time(9), closes=time(17))


def _broken(change):
    data = copy.deepcopy(DEFAULT_POLICY.to_dict())
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not a mapping", "must be a mapping"),
        (_broken(lambda d: d.update(version=2)), "format version"),
        (_broken(lambda d: d.pop("hours")), "'hours' and 'targets'"),
        (_broken(lambda d: d["hours"].pop("gold")), "missing for tier"),
        (_broken(lambda d: d["hours"].update(silver=d["hours"]["gold"])), "Unknown support tier"),
        (_broken(lambda d: d["targets"]["gold"].update(P9={"kind": "none"})), "Unknown severity"),
        (_broken(lambda d: d["targets"].update(gold=["P1"])), "mapping by severity"),
        (_broken(lambda d: d["targets"]["gold"].update(P1={"kind": "weeks"})), "target kind"),
        (_broken(lambda d: d["targets"]["gold"].update(P1={"amount": 2})), "needs a 'kind'"),
        (
            _broken(lambda d: d["targets"]["gold"].update(P1={"kind": "business_hours"})),
            "at least 1",
        ),
        (
            _broken(lambda d: d["targets"]["gold"]["P1"].update(amount=2, unit="h")),
            "Unknown response-target fields: unit",
        ),
        (_broken(lambda d: d["hours"]["gold"].update(opens="5am")), "time like"),
        (_broken(lambda d: d["hours"]["gold"].update(opens="24:00")), "time like"),
        (_broken(lambda d: d["hours"]["gold"].update(opens="05:00+01:00")), "without a zone"),
        (_broken(lambda d: d["hours"]["gold"].update(closes="04:00")), "must be after opening"),
        (_broken(lambda d: d["hours"]["gold"].pop("closes")), "need 'closes'"),
        (_broken(lambda d: d["hours"]["gold"].update(timezone="PST")), "Unknown time zone"),
        (_broken(lambda d: d["hours"]["gold"].update(weekdays="Mon-Fri")), "must be lists"),
        (_broken(lambda d: d["hours"]["gold"].update(weekdays=[5, 9])), "weekdays"),
        (_broken(lambda d: d["hours"]["gold"].update(holidays=["25/12/2026"])), "dates like"),
        (_broken(lambda d: d["hours"]["gold"].update(lunch="12:00")), "fields: lunch"),
        (_broken(lambda d: d["hours"].update(gold="05:00-18:00")), "must be a mapping"),
    ],
)
def test_malformed_stored_policies_are_rejected_with_a_clear_message(data, message):
    with pytest.raises(ValueError, match=message):
        SupportPolicy.from_dict(data)


def test_policies_with_the_same_table_compare_equal():
    rebuilt = dataclasses.replace(
        DEFAULT_POLICY, targets={k: v for k, v in DEFAULT_POLICY.targets.items() if v.has_target}
    )
    assert rebuilt == DEFAULT_POLICY
