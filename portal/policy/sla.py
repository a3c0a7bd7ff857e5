"""Initial-response targets per tier and severity, and when a case's first reply is due.

The whole table, hours included, is one ``SupportPolicy`` value: ``DEFAULT_POLICY``
holds the programme's published numbers, and an administrator-edited table can
be stored with ``to_dict`` and loaded with ``from_dict``.

A due time is always computed from the case's original filing time. When the
severity changes, recomputing from the filing time keeps the business time
already spent counted against the new target instead of restarting the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal

from .calendar import BusinessHours, ensure_aware
from .severity import Severity
from .tiers import Tier

TargetKind = Literal["business_hours", "business_days", "none"]
TARGET_KINDS: tuple[TargetKind, ...] = ("business_hours", "business_days", "none")
POLICY_FORMAT_VERSION = 1


@dataclass(frozen=True)
class ResponseTarget:
    """How long support may take to reply first: N business hours, N business days, or no target.

    One business day is one full window of the tier's business hours.
    """

    kind: TargetKind
    amount: int = 0

    def __post_init__(self) -> None:
        if self.kind not in TARGET_KINDS:
            raise ValueError(
                f"Unknown target kind {self.kind!r}: expected one of {', '.join(TARGET_KINDS)}"
            )
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError(f"Target amount must be a whole number, got {self.amount!r}")
        if self.kind == "none" and self.amount != 0:
            raise ValueError("A response target of kind 'none' takes no amount")
        if self.kind != "none" and self.amount < 1:
            raise ValueError(f"A {self.kind} target needs an amount of at least 1")

    @property
    def has_target(self) -> bool:
        """False for "no target"."""
        return self.kind != "none"

    def describe(self) -> str:
        """Short wording for people: "2 business hours", "1 business day", "No target"."""
        if self.kind == "none":
            return "No target"
        unit = "hour" if self.kind == "business_hours" else "day"
        plural = "" if self.amount == 1 else "s"
        return f"{self.amount} business {unit}{plural}"

    def duration(self, hours: BusinessHours) -> timedelta | None:
        """The business time this target allows under ``hours``; None for no target."""
        if self.kind == "business_hours":
            return timedelta(hours=self.amount)
        if self.kind == "business_days":
            return self.amount * hours.window_length
        return None

    def due_at(self, start: datetime, hours: BusinessHours) -> datetime | None:
        """When a reply is due for a clock started at ``start`` (UTC); None for no target."""
        allowed = self.duration(hours)
        if allowed is None:
            ensure_aware(start, "start")
            return None
        return hours.add_business_time(start, allowed)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form that ``from_dict`` reads back."""
        return {"kind": self.kind, "amount": self.amount}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResponseTarget:
        """Build a target from ``to_dict`` output; raise ValueError on anything malformed."""
        if not isinstance(data, Mapping) or "kind" not in data:
            raise ValueError(f"A response target needs a 'kind', got {data!r}")
        unknown = set(data) - {"kind", "amount"}
        if unknown:
            raise ValueError(f"Unknown response-target fields: {', '.join(sorted(unknown))}")
        return cls(kind=data["kind"], amount=data.get("amount", 0))


NO_TARGET = ResponseTarget("none")


@dataclass(frozen=True)
class SupportPolicy:
    """The one table of business hours per tier and response targets per tier and severity.

    Every tier needs hours. A (tier, severity) pair missing from ``targets``
    has no target and is stored as ``NO_TARGET``, so equal tables compare equal.
    Treat the mappings as read-only: build a new policy (for example with
    ``dataclasses.replace`` or ``from_dict``) to change it.
    """

    hours: dict[Tier, BusinessHours]
    targets: dict[tuple[Tier, Severity], ResponseTarget]

    def __post_init__(self) -> None:
        hours = {Tier.parse(tier): value for tier, value in self.hours.items()}
        missing = [tier.value for tier in Tier if tier not in hours]
        if missing:
            raise ValueError(f"Business hours are missing for tier(s): {', '.join(missing)}")
        for tier, value in hours.items():
            if not isinstance(value, BusinessHours):
                raise ValueError(f"Hours for tier {tier.value} must be BusinessHours")
        targets: dict[tuple[Tier, Severity], ResponseTarget] = {}
        for key, target in self.targets.items():
            if not isinstance(key, tuple) or len(key) != 2:
                raise ValueError(f"Target keys must be (tier, severity) pairs, got {key!r}")
            if not isinstance(target, ResponseTarget):
                raise ValueError(f"Target for {key!r} must be a ResponseTarget")
            targets[(Tier.parse(key[0]), Severity.parse(key[1]))] = target
        for tier in Tier:
            for severity in Severity:
                targets.setdefault((tier, severity), NO_TARGET)
        # Private copies with enum keys, so the caller's dicts can't change this policy.
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "targets", targets)

    def hours_for(self, tier: Tier) -> BusinessHours:
        """The business hours of ``tier``."""
        return self.hours[Tier.parse(tier)]

    def target_for(self, tier: Tier, severity: Severity) -> ResponseTarget:
        """The response target for ``tier`` and ``severity`` (``NO_TARGET`` when none)."""
        return self.targets[(Tier.parse(tier), Severity.parse(severity))]

    def response_due_at(
        self, filed_at: datetime, tier: Tier, severity: Severity
    ) -> datetime | None:
        """When the first public reply to a case filed at ``filed_at`` is due, in UTC.

        None where the tier and severity carry no target.
        """
        return self.target_for(tier, severity).due_at(filed_at, self.hours_for(tier))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form of the whole table that ``from_dict`` reads back."""
        return {
            "version": POLICY_FORMAT_VERSION,
            "hours": {tier.value: self.hours[tier].to_dict() for tier in Tier},
            "targets": {
                tier.value: {
                    severity.value: self.target_for(tier, severity).to_dict()
                    for severity in Severity
                }
                for tier in Tier
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SupportPolicy:
        """Build a policy from ``to_dict`` output; raise ValueError on anything malformed."""
        if not isinstance(data, Mapping):
            raise ValueError(f"A support policy must be a mapping, got {data!r}")
        version = data.get("version", POLICY_FORMAT_VERSION)
        if version != POLICY_FORMAT_VERSION:
            raise ValueError(f"Unsupported support-policy format version {version!r}")
        hours_data = data.get("hours")
        targets_data = data.get("targets", {})
        if not isinstance(hours_data, Mapping) or not isinstance(targets_data, Mapping):
            raise ValueError("A support policy needs 'hours' and 'targets' mappings")
        hours = {
            Tier.parse(tier): BusinessHours.from_dict(value) for tier, value in hours_data.items()
        }
        targets: dict[tuple[Tier, Severity], ResponseTarget] = {}
        for tier, row in targets_data.items():
            if not isinstance(row, Mapping):
                raise ValueError(f"Targets for tier {tier!r} must be a mapping by severity")
            for severity, target in row.items():
                key = (Tier.parse(tier), Severity.parse(severity))
                targets[key] = ResponseTarget.from_dict(target)
        return cls(hours=hours, targets=targets)


ONE_BUSINESS_DAY = ResponseTarget("business_days", 1)

DEFAULT_POLICY = SupportPolicy(
    hours={
        Tier.BASE: BusinessHours(opens=time(1), closes=time(17)),
        Tier.GOLD: BusinessHours(opens=time(5), closes=time(18)),
    },
    targets={
        (Tier.BASE, Severity.P1): ONE_BUSINESS_DAY,
        (Tier.BASE, Severity.P2): ONE_BUSINESS_DAY,
        (Tier.BASE, Severity.P3): ONE_BUSINESS_DAY,
        (Tier.BASE, Severity.P4): NO_TARGET,
        (Tier.BASE, Severity.P5): NO_TARGET,
        (Tier.GOLD, Severity.P1): ResponseTarget("business_hours", 2),
        (Tier.GOLD, Severity.P2): ResponseTarget("business_hours", 6),
        (Tier.GOLD, Severity.P3): ONE_BUSINESS_DAY,
        (Tier.GOLD, Severity.P4): NO_TARGET,
        (Tier.GOLD, Severity.P5): NO_TARGET,
    },
)


def response_due_at(
    filed_at: datetime,
    tier: Tier,
    severity: Severity,
    policy: SupportPolicy = DEFAULT_POLICY,
) -> datetime | None:
    """When the first public reply to a case is due under ``policy`` (UTC); None if no target."""
    return policy.response_due_at(filed_at, tier, severity)


def recompute_due_at(
    filed_at: datetime,
    tier: Tier,
    new_severity: Severity,
    policy: SupportPolicy = DEFAULT_POLICY,
) -> datetime | None:
    """The due time after a severity change, still counted from the original filing time.

    Business time already spent on the case counts against the new target, so
    raising a case to P1 late in its life can make it due, or overdue, at once.
    Pass the filing time, never the time of the change.
    """
    return policy.response_due_at(filed_at, tier, new_severity)
