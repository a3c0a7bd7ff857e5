"""`case_standing` reads the policy in force and the at-risk setting; its SQL twins, which the
dashboard counts with, pick out exactly the cases it names."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import and_, select

from portal import create_app
from portal.cases import closure, conversation, standing
from portal.cases.standing import at_risk_share, case_standing
from portal.extensions import db
from portal.models import Case
from portal.offerings.service import save_policy
from portal.policy import DEFAULT_POLICY, NO_TARGET, ResponseTarget, Severity, SlaStanding, Tier
from tests.conftest import TUESDAY_MORNING
from tests.conftest import make_case as file_for


def test_the_at_risk_share_defaults_to_a_quarter(app):
    assert app.config["SLA_AT_RISK_SHARE"] == 0.25
    assert at_risk_share() == 0.25


@pytest.mark.parametrize(("value", "share"), [(0, 0.0), (1, 1.0), (0.4, 0.4), ("0.4", 0.4)])
def test_the_at_risk_share_takes_any_number_from_nought_to_one(value, share):
    assert at_risk_share({"SLA_AT_RISK_SHARE": value}) == share


@pytest.mark.parametrize("value", [-0.01, 1.01, "a quarter", None, True, float("nan")])
def test_the_at_risk_share_refuses_anything_else(value):
    with pytest.raises(ValueError, match="PORTAL_SLA_AT_RISK_SHARE"):
        at_risk_share({"SLA_AT_RISK_SHARE": value})


def test_the_app_will_not_start_with_a_bad_share(tmp_path):
    with pytest.raises(ValueError, match="PORTAL_SLA_AT_RISK_SHARE"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SLA_AT_RISK_SHARE": 2})


def test_the_standing_follows_the_policy_in_force(app, gold_p2_case_new):
    # Gold P2, filed Tuesday 08:00 Pacific, due 14:00. At 12:00 two of six hours are left.
    noon = TUESDAY_MORNING + timedelta(hours=4)
    assert case_standing(gold_p2_case_new, noon) is SlaStanding.ON_TRACK
    app.config["SLA_AT_RISK_SHARE"] = 0.5
    assert case_standing(gold_p2_case_new, noon) is SlaStanding.AT_RISK
    targets = dict(DEFAULT_POLICY.targets) | {(Tier.GOLD, Severity.P2): NO_TARGET}
    save_policy(replace(DEFAULT_POLICY, targets=targets), None)
    assert case_standing(gold_p2_case_new, noon) is SlaStanding.NONE


def test_a_reopened_case_waits_again(gold_p2_case_new, gold_contact):
    # Closed unanswered after its due time it was missed; reopened, it is breached again.
    after = TUESDAY_MORNING + timedelta(hours=8)
    closure.close_case(gold_p2_case_new, gold_contact, reason="Sorted", now=after)
    assert case_standing(gold_p2_case_new, after) is SlaStanding.MISSED
    closure.reopen_case(gold_p2_case_new, gold_contact, reason="It is back", now=after)
    assert case_standing(gold_p2_case_new, after) is SlaStanding.BREACHED


def test_sql_twins_pick_out_the_cases_the_standing_names(
    app, gold_contact, contoso, base_contact, northwind, tse
):
    """A differential test: many cases, many moments, Python rule against SQL clauses."""
    rng = random.Random(20261124)
    # An edited table: Gold P3 loses its target, Base P4 gains one.
    targets = dict(DEFAULT_POLICY.targets) | {
        (Tier.GOLD, Severity.P3): NO_TARGET,
        (Tier.BASE, Severity.P4): ResponseTarget("business_days", 2),
    }
    policy = replace(DEFAULT_POLICY, targets=targets)
    for n in range(60):
        contact, org = rng.choice([(gold_contact, contoso), (base_contact, northwind)])
        filed = TUESDAY_MORNING + timedelta(minutes=rng.randrange(-3 * 24 * 60, 24 * 60))
        case = file_for(contact, org, now=filed, severity=rng.choice(list(Severity)).value)
        if rng.random() < 0.5:
            reply = filed + timedelta(minutes=rng.randrange(1, 30 * 60))
            conversation.post_message(case, tse, f"Reply {n}", now=reply)
        if rng.random() < 0.3:
            closed = filed + timedelta(minutes=rng.randrange(31 * 60, 60 * 60))
            closure.close_case(case, contact, reason="Done", now=closed)
    db.session.commit()
    cases = db.session.scalars(select(Case)).all()

    seen: set[SlaStanding] = set()
    for hours in range(-24, 72, 5):
        now = TUESDAY_MORNING + timedelta(hours=hours, minutes=17)
        by_python = {c.id: case_standing(c, now, policy) for c in cases}
        seen |= set(by_python.values())

        def ids(*clauses):
            return set(db.session.scalars(select(Case.id).where(and_(*clauses))))

        settled = {SlaStanding.MET, SlaStanding.MISSED, SlaStanding.BREACHED}
        passed = standing.target_passed(now, policy)
        assert ids(passed) == {i for i, s in by_python.items() if s in settled}
        assert ids(passed, standing.met_target()) == {
            i for i, s in by_python.items() if s is SlaStanding.MET
        }
        assert ids(standing.breached(now, policy)) == {
            i for i, s in by_python.items() if s is SlaStanding.BREACHED
        }
        assert ids(standing.has_target(policy)) == {
            c.id
            for c in cases
            if c.response_due_at is not None and policy.target_for(c.tier, c.severity).has_target
        }
    assert seen == set(SlaStanding)
