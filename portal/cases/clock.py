"""The response clock as people read it: "due in 3 h 20 min of business hours", met or missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.models import Case
from portal.offerings.service import current_policy
from portal.policy import SlaStatus, SupportPolicy, Tier, sla_status


def describe_duration(span: timedelta) -> str:
    """ "2 d 3 h", "3 h 20 min", "45 min", "under a minute"."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


@dataclass(frozen=True)
class ResponseClock:
    """What the case page shows about the first-response target."""

    state: str  # "none", "answered_met", "answered_missed", "answered", "running", "overdue"
    text: str
    sla: SlaStatus | None = None


def response_clock(case: Case, now: datetime, policy: SupportPolicy | None = None) -> ResponseClock:
    """The first-response clock of ``case`` at ``now``, computed on the server."""
    if case.first_response_at is not None:
        if case.response_met is True:
            return ResponseClock("answered_met", "Answered within the response target.")
        if case.response_met is False:
            return ResponseClock("answered_missed", "Answered after the response target.")
        return ResponseClock("answered", "Answered by support.")
    if case.response_due_at is None:
        return ResponseClock("none", "No response-time target applies to this severity.")
    if case.is_closed:
        return ResponseClock("none", "Closed before a reply from support.")
    policy = policy or current_policy()
    tier = Tier.parse(case.tier)
    hours = policy.hours_for(tier)
    target = policy.target_for(tier, case.severity)
    status = sla_status(case.response_due_at, now, target, hours)
    if status is SlaStatus.BREACHED:
        late = describe_duration(now - case.response_due_at)
        return ResponseClock("overdue", f"Overdue by {late}.", status)
    left = hours.business_time_between(now, case.response_due_at)
    text = f"Due in {describe_duration(left)} of business hours"
    if not hours.is_open(now):
        text += f" (the clock runs during {tier.label} support hours)"
    return ResponseClock("running", text + ".", status)
