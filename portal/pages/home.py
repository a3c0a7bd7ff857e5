"""What the home page shows each person first: a customer their open cases and what waits on
them, a support engineer their queue counts, a manager the response targets breached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.accounts import entitlement
from portal.cases import standing
from portal.cases.queries import visible_cases
from portal.extensions import db
from portal.models import Case, CaseStatus
from portal.models.types import utcnow
from portal.offerings.service import current_policy
from portal.staff import queue

SHOWN = 8
# A customer's move: support asked a question, or proposes the case is resolved.
CUSTOMERS_MOVE = (CaseStatus.WAITING_ON_CUSTOMER.value, CaseStatus.RESOLVED.value)


@dataclass
class HomeSummary:
    open_cases: list[Case] = field(default_factory=list)
    open_total: int = 0
    waiting_on_you: list[Case] = field(default_factory=list)
    queue_counts: dict[str, int] | None = None
    queue_views: dict[str, str] = field(default_factory=dict)
    breached: list[Case] = field(default_factory=list)
    breached_total: int = 0


def home_summary(user: Any, now: datetime | None = None) -> HomeSummary:
    """The figures and lists for this person's home page (nothing for a visitor)."""
    summary = HomeSummary()
    if not getattr(user, "is_authenticated", False):
        return summary
    if entitlement.can_work_cases(user):
        summary.queue_counts = queue.view_counts(user)
        summary.queue_views = queue.VIEWS
        if entitlement.can_manage_escalations(user):
            overdue = standing.breached((now or utcnow()), current_policy())
            summary.breached_total = db.session.scalar(
                select(func.count()).select_from(Case).where(overdue)
            )
            summary.breached = list(
                db.session.scalars(
                    select(Case)
                    .where(overdue)
                    .options(joinedload(Case.organisation), joinedload(Case.owner))
                    .order_by(Case.response_due_at, Case.id)
                    .limit(SHOWN)
                )
            )
        return summary
    if not entitlement.contact_organisations(user, entitlement.ContactKind.SUPPORT_ADMIN):
        return summary
    mine = visible_cases(user).where(Case.is_open)
    summary.open_total = db.session.scalar(select(func.count()).select_from(mine.subquery()))
    summary.open_cases = list(
        db.session.scalars(mine.order_by(Case.updated_at.desc(), Case.id.desc()).limit(SHOWN))
    )
    summary.waiting_on_you = list(
        db.session.scalars(
            mine.where(Case.status.in_(CUSTOMERS_MOVE)).order_by(Case.updated_at).limit(SHOWN)
        )
    )
    return summary
