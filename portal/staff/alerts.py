"""SLA alerts: support hears about a case before its response target slips, and when it has.

A periodic task looks at open cases still waiting for support's first reply and takes each
one's standing from `portal.cases.standing.case_standing`, as the queue and case page do:

- when one is **at risk** (less than `SLA_AT_RISK_SHARE` of its business-time target left),
  its owner is mailed, or the support managers when nobody owns it yet;
- when it is **breached**, its owner and the support managers are mailed.

Cases waiting on the customer or on a bug fix raise no alert: the next move is not support's.

Each alert goes once per case and level: `Case.sla_alert_level` holds the last one sent, a
severity review that moves the due time sets it back to 0, and a conditional UPDATE lets
only one of several workers send it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal.cases.escalation import support_managers
from portal.cases.standing import case_standing
from portal.extensions import db
from portal.jobs import periodic
from portal.mail.notices import STAFF, add_notice
from portal.models import Case, User
from portal.offerings.service import current_policy
from portal.policy import SlaStanding

NONE, AT_RISK, BREACHED = 0, 1, 2
LEVELS = {SlaStanding.AT_RISK: AT_RISK, SlaStanding.BREACHED: BREACHED}


def cases_to_watch() -> list[Case]:
    """Cases waiting on support's first reply whose breach alert has not gone yet."""
    return list(
        db.session.scalars(
            select(Case)
            .where(
                Case.first_response_at.is_(None),
                Case.response_due_at.is_not(None),
                Case.on_supports_move,
                Case.sla_alert_level < BREACHED,
            )
            .options(joinedload(Case.owner), joinedload(Case.organisation))
            .order_by(Case.response_due_at)
        ).unique()
    )


def recipients(case: Case, level: int, managers: list[User]) -> list[User]:
    """The owner for a case at risk (managers if unowned); owner and managers once breached."""
    people = [case.owner] if case.owner is not None and case.owner.active else []
    if level == BREACHED or not people:
        people += [m for m in managers if m not in people]
    return people


@periodic("cases.sla_alerts")
def send_sla_alerts(now: datetime) -> int:
    """Mail support about cases that have become at risk or breached; returns how many."""
    policy = current_policy()
    sent = 0
    managers: list[User] | None = None
    for case in cases_to_watch():
        level = LEVELS.get(case_standing(case, now, policy), NONE)
        if level <= case.sla_alert_level:
            continue
        won = db.session.execute(
            update(Case)
            .where(Case.id == case.id, Case.sla_alert_level == case.sla_alert_level)
            .values(sla_alert_level=level)
        ).rowcount
        if not won:
            continue  # another worker sent it
        if managers is None:
            managers = support_managers()
        people = recipients(case, level, managers)
        for person in people:
            add_notice(
                case,
                person,
                "Response target missed" if level == BREACHED else "Response due soon",
                audience=STAFF,
                template="cases_sla_alert",
                subject=_subject(case, level),
                context={
                    "breached": level == BREACHED,
                    "target": policy.target_for(case.tier, case.severity).describe(),
                },
                now=now,
            )
        sent += 1 if people else 0
    return sent


def _subject(case: Case, level: int) -> str:
    state = "Response target missed" if level == BREACHED else "Response due soon"
    return f"[{state}] Case {case.number} ({case.severity}, {case.organisation.name})"
