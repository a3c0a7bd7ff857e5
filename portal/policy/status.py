"""Where a case stands against its response target: on track, at risk or breached."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from .calendar import BusinessHours, ensure_aware
from .sla import ResponseTarget

DEFAULT_AT_RISK_SHARE = 0.25


class SlaStatus(StrEnum):
    """A case's standing against its first-response target while it awaits a reply."""

    NO_TARGET = "no_target"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"


def is_breached(due_at: datetime | None, now: datetime) -> bool:
    """True once ``now`` is past ``due_at``; a reply exactly at the due time is on time.

    Always False when there is no target (``due_at`` is None).
    """
    current = ensure_aware(now, "now")
    if due_at is None:
        return False
    return current > ensure_aware(due_at, "due_at")


def is_at_risk(
    due_at: datetime | None,
    now: datetime,
    target: ResponseTarget,
    hours: BusinessHours,
    share: float = DEFAULT_AT_RISK_SHARE,
) -> bool:
    """True when not yet breached but less than ``share`` of the target's business time remains.

    Remaining time is in-hours time from ``now`` to ``due_at`` under ``hours``
    (the tier's calendar), so nights and weekends don't count down. A breached
    case is not "at risk": it is breached. False when there is no target.
    """
    if not 0 <= share <= 1:
        raise ValueError(f"share must be between 0 and 1, got {share!r}")
    current = ensure_aware(now, "now")
    allowed = target.duration(hours)
    if due_at is None or allowed is None or is_breached(due_at, current):
        return False
    return hours.business_time_between(current, due_at) < allowed * share


def sla_status(
    due_at: datetime | None,
    now: datetime,
    target: ResponseTarget,
    hours: BusinessHours,
    share: float = DEFAULT_AT_RISK_SHARE,
) -> SlaStatus:
    """One status for queues and badges, combining ``is_breached`` and ``is_at_risk``."""
    if due_at is None or not target.has_target:
        ensure_aware(now, "now")
        return SlaStatus.NO_TARGET
    if is_breached(due_at, now):
        return SlaStatus.BREACHED
    if is_at_risk(due_at, now, target, hours, share):
        return SlaStatus.AT_RISK
    return SlaStatus.ON_TRACK


def response_met(due_at: datetime | None, responded_at: datetime) -> bool | None:
    """Whether a first reply at ``responded_at`` met the target; None when there was none."""
    if due_at is None:
        ensure_aware(responded_at, "responded_at")
        return None
    return not is_breached(due_at, responded_at)
