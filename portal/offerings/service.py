"""The support policy in force, and the offerings page built from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.policy import DEFAULT_POLICY, Severity, SupportPolicy, Tier, load_zone


def current_policy() -> SupportPolicy:
    """The response-target table and business hours every page and the SLA engine read."""
    return DEFAULT_POLICY


@dataclass(frozen=True)
class TierHours:
    tier: Tier
    opens: datetime
    closes: datetime
    source_opens: str
    source_closes: str
    source_zone: str

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
            )
        )
    return rows


def target_table(policy: SupportPolicy) -> list[tuple[Severity, dict[Tier, str]]]:
    return [
        (severity, {tier: policy.target_for(tier, severity).describe() for tier in Tier})
        for severity in Severity
    ]
