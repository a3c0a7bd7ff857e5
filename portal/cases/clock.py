"""The response clock as people read it: "due in 3 h 20 min of business hours", met or missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.cases.standing import case_standing
from portal.models import Case
from portal.offerings.service import current_policy
from portal.policy import SlaStanding, SupportPolicy, Tier


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

    # "none", "answered_met", "answered_missed", "answered", "closed_missed", "running",
    # "overdue": the page's wording and style; ``sla`` is the case's one standing.
    state: str
    text: str
    sla: SlaStanding = SlaStanding.NONE


def response_clock(case: Case, now: datetime, policy: SupportPolicy | None = None) -> ResponseClock:
    """The first-response clock of ``case`` at ``now``, computed on the server."""
    policy = policy or current_policy()
    standing = case_standing(case, now, policy)
    answered = case.first_response_at is not None
    if standing is SlaStanding.MET:
        return ResponseClock("answered_met", "Answered within the response target.", standing)
    if standing is SlaStanding.MISSED:
        if answered:
            return ResponseClock("answered_missed", "Answered after the response target.", standing)
        text = "Closed without a reply from support, after the response target had passed."
        return ResponseClock("closed_missed", text, standing)
    if answered:
        return ResponseClock("answered", "Answered by support.", standing)
    if standing is SlaStanding.NONE:
        if case.response_due_at is not None and not case.is_open:
            return ResponseClock("none", "Closed before a reply from support.", standing)
        return ResponseClock("none", "No response-time target applies to this severity.", standing)
    if standing is SlaStanding.BREACHED:
        late = describe_duration(now - case.response_due_at)
        return ResponseClock("overdue", f"Overdue by {late}.", standing)
    tier = Tier.parse(case.tier)
    hours = policy.hours_for(tier)
    left = hours.business_time_between(now, case.response_due_at)
    text = f"Due in {describe_duration(left)} of business hours"
    if not hours.is_open(now):
        text += f" (the clock runs during {tier.label} support hours)"
    return ResponseClock("running", text + ".", standing)
