"""The staff queue: open cases in response-due order, flagged when at risk or breached.

A page of the queue costs a fixed number of SQL statements however long it is: one count, one
select joined to owner and organisation; each row's SLA flag is its ``case_standing``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from portal.cases.standing import case_standing
from portal.extensions import db
from portal.models import Case, CaseStatus, StaffProfile, User
from portal.models.types import utcnow
from portal.numbers import parse_id, parse_page
from portal.offerings.service import current_policy
from portal.pagination import Page, paginate
from portal.policy import Severity, SlaStanding, Tier
from portal.products.service import product_names

VIEWS = {
    "unassigned": "Unassigned",
    "mine": "Mine",
    "team": "My team's",
    "all": "All open",
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilters:
    view: str = "unassigned"
    tier: str = ""
    severity: str = ""
    status: str = ""
    product: str = ""
    owner: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str], default_view: str) -> QueueFilters:
        """Read filters from the query string, ignoring values that are not offered."""
        view = args.get("view", default_view)
        page = args.get("page", "1")
        return cls(
            view=view if view in VIEWS else default_view,
            tier=args.get("tier", "") if args.get("tier") in {t.value for t in Tier} else "",
            severity=args.get("severity", "")
            if args.get("severity") in {s.value for s in Severity}
            else "",
            status=args.get("status", "")
            if args.get("status") in {s.value for s in CaseStatus if s.is_open}
            else "",
            product=args.get("product", "")
            if args.get("product") in product_names(include_retired=True)
            else "",
            owner=str(parse_id(args.get("owner")) or ""),
            page=parse_page(page),
        )

    def as_args(self, **changes: object) -> dict[str, object]:
        values = {k: v for k, v in self.__dict__.items() if v} | changes
        return {k: v for k, v in values.items() if v not in ("", None)}


@dataclass
class QueueRow:
    case: Case
    sla: SlaStanding
    target: str


@dataclass
class QueuePage:
    """A page of queue rows with the filters that chose them and how many cases each view holds."""

    rows: Page[QueueRow]
    filters: QueueFilters
    counts: dict[str, int] = field(default_factory=dict)


def _team_member_ids(user: User) -> Select:
    team = select(StaffProfile.team).where(StaffProfile.user_id == user.id).scalar_subquery()
    return select(StaffProfile.user_id).where(StaffProfile.team == team, StaffProfile.team != "")


def _base_query(filters: QueueFilters, user: User) -> Select:
    query = select(Case).where(Case.is_open)
    if filters.view == "unassigned":
        query = query.where(Case.owner_id.is_(None))
    elif filters.view == "mine":
        query = query.where(Case.owner_id == user.id)
    elif filters.view == "team":
        query = query.where(
            or_(Case.owner_id == user.id, Case.owner_id.in_(_team_member_ids(user)))
        )
    if filters.tier:
        query = query.where(Case.tier == filters.tier)
    if filters.severity:
        query = query.where(Case.severity == filters.severity)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.product:
        query = query.where(Case.product == filters.product)
    if filters.owner:
        query = query.where(Case.owner_id == int(filters.owner))
    return query


def queue_order() -> list:
    """Unanswered cases first, soonest due first; then answered ones by the customer's last
    word; the case id last, so the order is total and a page can be read from either end.

    The index ix_cases_open_queue holds exactly these terms over the open cases."""
    return [
        Case.first_response_at.is_not(None),
        Case.response_due_at.is_(None),
        Case.response_due_at,
        Case.last_customer_update_at.desc(),
        Case.filed_at,
        Case.id,
    ]


def queue_page(user: User, filters: QueueFilters, now: datetime | None = None) -> QueuePage:
    """One page of the queue for a staff member."""
    now = now or utcnow()
    query = _base_query(filters, user)
    ordered = query.options(joinedload(Case.owner), joinedload(Case.organisation)).order_by(
        *queue_order()
    )
    cases = paginate(ordered, filters.page, PAGE_SIZE, from_either_end=True)
    policy = current_policy()
    rows = [
        QueueRow(
            item,
            case_standing(item, now, policy),
            policy.target_for(item.tier, item.severity).describe(),
        )
        for item in cases.items
    ]
    return QueuePage(cases.with_items(rows), filters)


def view_counts(user: User) -> dict[str, int]:
    """How many open cases each view holds, in one statement."""
    open_case = Case.is_open
    team_ids = _team_member_ids(user)
    row = db.session.execute(
        select(
            func.count().filter(and_(open_case, Case.owner_id.is_(None))),
            func.count().filter(and_(open_case, Case.owner_id == user.id)),
            func.count().filter(
                and_(open_case, or_(Case.owner_id == user.id, Case.owner_id.in_(team_ids)))
            ),
            func.count().filter(open_case),
        )
        .select_from(Case)
        .where(open_case)  # every count is of open cases: the partial index finds them
    ).one()
    return dict(zip(VIEWS, row, strict=True))
