"""A case's standing against its first-response target: the one computation every view reads.

The case page clock, the staff queue flags, the SLA alert mails, the API's ``sla`` field and
the managers' dashboard all ask ``case_standing``. The rule itself is the pure
``portal.policy.sla_standing``; this module feeds it the policy table in force and the
``SLA_AT_RISK_SHARE`` setting.

The dashboard counts cases in SQL, so the standings it counts have SQL twins here
(``target_passed``, ``breached``, ``met_target``), kept beside the Python rule and checked
against it by a differential test.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, false, func, or_

from portal.models import Case
from portal.offerings.service import current_policy
from portal.policy import DEFAULT_AT_RISK_SHARE, SlaStanding, SupportPolicy, Tier, sla_standing

SETTING = "SLA_AT_RISK_SHARE"


def at_risk_share(config: Mapping[str, Any] | None = None) -> float:
    """The share of a target's business time under which a waiting case is at risk (0..1).

    Read from ``SLA_AT_RISK_SHARE`` (``PORTAL_SLA_AT_RISK_SHARE``); anything that is not a
    number from 0 to 1 raises ValueError, so a bad setting stops the app at start-up.
    """
    settings = current_app.config if config is None else config
    value = settings.get(SETTING, DEFAULT_AT_RISK_SHARE)
    share = None
    if not isinstance(value, bool):  # JSON "true" is no share
        try:
            share = float(value)
        except (TypeError, ValueError):
            pass
    if share is None or not 0 <= share <= 1:  # NaN fails this too
        raise ValueError(f"PORTAL_{SETTING} must be a number from 0 to 1, got {value!r}")
    return share


def _closed_at(case: Case) -> datetime | None:
    if case.is_open:
        return None
    # Every closing path stamps closed_at; a row without it closed at its last change.
    return case.closed_at or case.updated_at


def case_standing(case: Case, now: datetime, policy: SupportPolicy | None = None) -> SlaStanding:
    """Where ``case`` stands against its first-response target at ``now``."""
    policy = policy or current_policy()
    tier = Tier.parse(case.tier)
    return sla_standing(
        case.response_due_at,
        case.first_response_at,
        _closed_at(case),
        now,
        policy.target_for(tier, case.severity),
        policy.hours_for(tier),
        at_risk_share(),
    )


# --- SQL twins, for counting in the database -----------------------------------------------


def has_target(policy: SupportPolicy) -> ColumnElement[bool]:
    """SQL: the case has a due time and its tier and severity carry a target in ``policy``."""
    pairs = [
        and_(Case.tier == tier.value, Case.severity == severity.value)
        for (tier, severity), target in policy.targets.items()
        if target.has_target
    ]
    return and_(Case.response_due_at.is_not(None), or_(*pairs) if pairs else false())


def met_target() -> ColumnElement[bool]:
    """SQL: the first reply came at or before the due time (standing ``MET``)."""
    return Case.first_response_at <= Case.response_due_at


def breached(now: datetime, policy: SupportPolicy) -> ColumnElement[bool]:
    """SQL: standing ``BREACHED`` at ``now``: open, unanswered and past its due time."""
    return and_(
        has_target(policy),
        Case.is_open,
        Case.first_response_at.is_(None),
        Case.response_due_at < now,
    )


def target_passed(now: datetime, policy: SupportPolicy) -> ColumnElement[bool]:
    """SQL: the target is settled at ``now``: standing ``MET``, ``MISSED`` or ``BREACHED``.

    Answered cases count from their reply; unanswered ones once the due time has passed
    while they were open, as the open ones' breach or the closed ones' miss.
    """
    return and_(has_target(policy), settled(now))


def settled(now: datetime) -> ColumnElement[bool]:
    """SQL: ``target_passed`` without its ``has_target`` half, for a query that groups by
    tier and severity and keeps only the targeted pairs itself."""
    closed_at = func.coalesce(Case.closed_at, Case.updated_at)
    return or_(
        Case.first_response_at.is_not(None),
        and_(Case.is_open, Case.response_due_at < now),
        and_(~Case.is_open, closed_at > Case.response_due_at),
    )
