"""Where a case stands against its response target: on track, at risk, breached, met, missed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from .calendar import BusinessHours, ensure_aware
from .sla import ResponseTarget

DEFAULT_AT_RISK_SHARE = 0.25


class SlaStanding(StrEnum):
    """Where a case stands against its first-response target.

    While it waits for support's first reply it is on track, at risk or breached; once
    answered the target was met or missed; ``none`` when there is nothing to measure.
    """

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"
    NONE = "none"

    @property
    def label(self) -> str:
        return _STANDING_LABELS[self]


_STANDING_LABELS = {
    SlaStanding.ON_TRACK: "On track",
    SlaStanding.AT_RISK: "At risk",
    SlaStanding.BREACHED: "Breached",
    SlaStanding.MET: "Met",
    SlaStanding.MISSED: "Missed",
    SlaStanding.NONE: "No target",
}


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
    _check_share(share)
    current = ensure_aware(now, "now")
    allowed = target.duration(hours)
    if due_at is None or allowed is None or is_breached(due_at, current):
        return False
    return hours.business_time_between(current, due_at) < allowed * share


def sla_standing(
    response_due_at: datetime | None,
    first_response_at: datetime | None,
    closed_at: datetime | None,
    now: datetime,
    target: ResponseTarget,
    hours: BusinessHours,
    share: float = DEFAULT_AT_RISK_SHARE,
) -> SlaStanding:
    """The one rule for a case's standing against its first-response target at ``now``.

    ``closed_at`` is when the case closed, None while it is open. In order:

    - no target (no due time, or the tier and severity carry none): ``NONE``;
    - answered: ``MET`` if the first reply came at or before the due time, else ``MISSED``;
    - closed unanswered: ``MISSED`` if the due time passed before it closed, else ``NONE``;
    - open unanswered: ``BREACHED`` once ``now`` is past the due time, ``AT_RISK`` while less
      than ``share`` of the target's business time remains, else ``ON_TRACK``.
    """
    current = ensure_aware(now, "now")
    _check_share(share)
    if response_due_at is None or not target.has_target:
        return SlaStanding.NONE
    if first_response_at is not None:
        late = is_breached(response_due_at, first_response_at)
        return SlaStanding.MISSED if late else SlaStanding.MET
    if closed_at is not None:
        late = is_breached(response_due_at, closed_at)
        return SlaStanding.MISSED if late else SlaStanding.NONE
    if is_breached(response_due_at, current):
        return SlaStanding.BREACHED
    if is_at_risk(response_due_at, current, target, hours, share):
        return SlaStanding.AT_RISK
    return SlaStanding.ON_TRACK


def _check_share(share: float) -> None:
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ValueError(f"The at-risk share must be between 0 and 1, got {share!r}")


def response_met(due_at: datetime | None, responded_at: datetime) -> bool | None:
    """Whether a first reply at ``responded_at`` met the target; None when there was none."""
    if due_at is None:
        ensure_aware(responded_at, "responded_at")
        return None
    return not is_breached(due_at, responded_at)
