"""Pure support-programme rules: tiers, severities, business hours and response targets.

Nothing here knows about Flask or the database. Datetimes going in must be
timezone-aware; datetimes coming out are in UTC.
"""

from .calendar import DEFAULT_TIMEZONE, MONDAY_TO_FRIDAY, BusinessHours, ensure_aware, load_zone
from .severity import Severity
from .sla import (
    DEFAULT_POLICY,
    NO_TARGET,
    ONE_BUSINESS_DAY,
    TARGET_KINDS,
    ResponseTarget,
    SupportPolicy,
    TargetKind,
    recompute_due_at,
    response_due_at,
)
from .status import (
    DEFAULT_AT_RISK_SHARE,
    SlaStanding,
    is_at_risk,
    is_breached,
    response_met,
    sla_standing,
)
from .tiers import Tier

__all__ = [
    "DEFAULT_AT_RISK_SHARE",
    "DEFAULT_POLICY",
    "DEFAULT_TIMEZONE",
    "MONDAY_TO_FRIDAY",
    "NO_TARGET",
    "ONE_BUSINESS_DAY",
    "TARGET_KINDS",
    "BusinessHours",
    "ResponseTarget",
    "Severity",
    "SlaStanding",
    "SupportPolicy",
    "TargetKind",
    "Tier",
    "ensure_aware",
    "is_at_risk",
    "is_breached",
    "load_zone",
    "recompute_due_at",
    "response_due_at",
    "response_met",
    "sla_standing",
]
