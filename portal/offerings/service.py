"""The support policy in force, its history, and the offerings page built from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import g, has_app_context
from sqlalchemy import select

from portal.extensions import db
from portal.models import PolicyRecord, User
from portal.policy import DEFAULT_POLICY, Severity, SupportPolicy, Tier, load_zone


def current_policy() -> SupportPolicy:
    """The response-target table and business hours every page and the SLA engine read.

    The newest saved version wins; with none saved, the programme's defaults apply. Read once
    per request or job.
    """
    if has_app_context() and "support_policy" in g:
        return g.support_policy
    record = db.session.scalar(select(PolicyRecord).order_by(PolicyRecord.id.desc()).limit(1))
    policy = SupportPolicy.from_dict(record.data) if record else DEFAULT_POLICY
    if has_app_context():
        g.support_policy = policy
    return policy


def save_policy(policy: SupportPolicy, user: User | None, note: str = "") -> PolicyRecord:
    """Put a new version of the policy in force; earlier versions stay as history."""
    record = PolicyRecord(data=policy.to_dict(), created_by=user, note=note.strip()[:300])
    db.session.add(record)
    db.session.flush()
    if has_app_context():
        g.support_policy = policy
    return record


def policy_history(limit: int = 20) -> list[PolicyRecord]:
    return list(
        db.session.scalars(select(PolicyRecord).order_by(PolicyRecord.id.desc()).limit(limit))
    )


@dataclass(frozen=True)
class TierHours:
    tier: Tier
    opens: datetime
    closes: datetime
    source_opens: str
    source_closes: str
    source_zone: str
    days: str = "Monday to Friday"

    @property
    def crosses_midnight(self) -> bool:
        return self.closes.date() != self.opens.date()


def hours_for_viewer(policy: SupportPolicy, zone: str, on: date) -> list[TierHours]:
    """Each tier's hours on a given day, converted to the viewer's zone (never copied)."""
    load_zone(zone)
    rows = []
    for tier in Tier:
        hours = policy.hours_for(tier)
        opens, closes = hours.hours_in(zone, on)
        rows.append(
            TierHours(
                tier,
                opens,
                closes,
                hours.opens.strftime("%H:%M"),
                hours.closes.strftime("%H:%M"),
                hours.timezone,
                describe_days(hours.weekdays),
            )
        )
    return rows


DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def describe_days(weekdays: frozenset[int]) -> str:
    """ "Monday to Friday", "Every day", or the days listed, from the calendar's weekdays."""
    days = sorted(weekdays)
    if len(days) == 7:
        return "Every day"
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in days)


def target_table(policy: SupportPolicy) -> list[tuple[Severity, dict[Tier, str]]]:
    return [
        (severity, {tier: policy.target_for(tier, severity).describe() for tier in Tier})
        for severity in Severity
    ]
