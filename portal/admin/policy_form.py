"""Turning the SLA table form into a SupportPolicy, with messages an administrator can act on."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time

from portal.dates import RANGE_HINT, parse_day
from portal.domain_error import DomainError
from portal.policy import BusinessHours, ResponseTarget, Severity, SupportPolicy, Tier

TARGET_KIND_LABELS = {
    "business_hours": "business hours",
    "business_days": "business days",
    "none": "no target",
}


def _time(value: str, label: str, errors: dict[str, str], key: str) -> time | None:
    value = value.strip()
    if value == "24:00":
        return time(0)
    try:
        return time.fromisoformat(value)
    except ValueError:
        errors[key] = f"{label}: enter a time such as 05:00."
        return None


def _holidays(text: str, errors: dict[str, str], key: str) -> frozenset[date]:
    days = set()
    for line in text.replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        day = parse_day(line)
        if day is None:
            errors[key] = f"Holiday {line[:40]!r} is not a date like 2026-12-25, {RANGE_HINT}."
        else:
            days.add(day)
    return frozenset(days)


def policy_from_form(form: Mapping[str, str], current: SupportPolicy) -> SupportPolicy:
    """Read hours, holidays and targets from the form; DomainError lists every problem."""
    errors: dict[str, str] = {}
    hours: dict[Tier, BusinessHours] = {}
    for tier in Tier:
        existing = current.hours_for(tier)
        opens = _time(
            form.get(f"{tier}-opens", ""), f"{tier.label} opening", errors, f"{tier}-opens"
        )
        closes = _time(
            form.get(f"{tier}-closes", ""), f"{tier.label} closing", errors, f"{tier}-closes"
        )
        holidays = _holidays(form.get(f"{tier}-holidays", ""), errors, f"{tier}-holidays")
        if opens is None or closes is None:
            continue
        try:
            hours[tier] = BusinessHours(
                opens=opens,
                closes=closes,
                timezone=existing.timezone,
                weekdays=existing.weekdays,
                holidays=holidays,
            )
        except ValueError as error:
            errors[f"{tier}-closes"] = f"{tier.label} hours: {error}."
    targets: dict[tuple[Tier, Severity], ResponseTarget] = {}
    for tier in Tier:
        for severity in Severity:
            key = f"{tier}-{severity}"
            kind = form.get(f"{key}-kind", "none")
            raw = form.get(f"{key}-amount", "0").strip() or "0"
            if kind not in TARGET_KIND_LABELS:
                errors[f"{key}-kind"] = f"{tier.label} {severity}: choose a kind of target."
                continue
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 4 or int(raw) > 1000:
                errors[f"{key}-amount"] = (
                    f"{tier.label} {severity}: the amount must be a whole number."
                )
                continue
            amount = 0 if kind == "none" else int(raw)
            try:
                targets[(tier, severity)] = ResponseTarget(kind, amount)
            except ValueError as error:
                errors[f"{key}-amount"] = f"{tier.label} {severity}: {error}."
    if errors:
        raise DomainError(errors)
    return SupportPolicy(hours=hours, targets=targets)
