"""Figures for the support managers' dashboard, each in a fixed number of queries.

The response figures count what ``portal.cases.standing`` calls a case's standing, through its
SQL twins, so the dashboard, the queue, the case page and the alert mails never disagree:

- **attainment**: every case whose target has passed, answered or not. A case counts once it
  has been answered (met if the first reply came by the due time, else missed) or once its
  due time passed unanswered (a miss from the moment it breaches). Grouped by tier, severity
  and the month (UTC) of the due time.
- **longest waiting**: open cases on support's move, the breached ones first, most overdue
  first, then the others by how long they have waited.
- **escalations**: open escalated cases, each with its action plan overdue, missing or on
  schedule.
- **self-help funnel**: searches, results opened, filings ended by "this answered my
  question", and cases filed, per month (``portal.staff.funnel``).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from portal.cases import standing
from portal.cases.clock import describe_duration
from portal.extensions import db
from portal.models import Case, Deflection
from portal.models.types import utcnow
from portal.offerings.service import current_policy
from portal.policy import Severity, SlaStanding, SupportPolicy, Tier
from portal.staff.funnel import FunnelMonth, monthly_funnel

AGE_BUCKETS = [
    ("Under 1 day", timedelta(days=1)),
    ("1–3 days", timedelta(days=3)),
    ("3–7 days", timedelta(days=7)),
    ("1–4 weeks", timedelta(days=28)),
    ("Over 4 weeks", None),
]
LONGEST_WAITING = 10
# How long the figures of the months that have ended are kept (see _closed_month_figures).
HISTORY_SECONDS = 60.0
PLAN_LABELS = {"overdue": "Overdue", "missing": "Missing", "on_schedule": "On schedule"}


@dataclass(frozen=True)
class Attainment:
    """One cell: how many cases' targets passed in it, and how many of those were met."""

    met: int = 0
    total: int = 0

    @property
    def missed(self) -> int:
        return self.total - self.met

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.total, 1) if self.total else None

    def __add__(self, other: Attainment) -> Attainment:
        return Attainment(self.met + other.met, self.total + other.total)

    def __str__(self) -> str:
        """ "50% (1 of 2)"; a dash when no target passed."""
        if not self.total:
            return "–"
        return f"{self.percent:.0f}% ({self.met} of {self.total})"


@dataclass(frozen=True)
class AttainmentRow:
    label: str
    cells: list[Attainment]
    total_row: bool = False


@dataclass(frozen=True)
class WaitingCase:
    """A case waiting for support, with its standing and, once breached, how late it is."""

    case: Case
    standing: SlaStanding
    waiting_since: datetime
    late_by: timedelta | None

    @property
    def late_text(self) -> str:
        return describe_duration(self.late_by) if self.late_by is not None else ""


@dataclass(frozen=True)
class Escalation:
    """An open escalated case and where its action plan stands."""

    case: Case
    plan: str  # "overdue", "missing" or "on_schedule"

    @property
    def plan_label(self) -> str:
        return PLAN_LABELS[self.plan]


@dataclass
class Dashboard:
    """Every figure on the managers' dashboard, for one moment."""

    months: list[str]
    # (tier, severity) -> one cell per month, for the pairs that carry a target.
    attainment: dict[tuple[str, str], list[Attainment]]
    # tier -> one cell per month, all its targeted severities together.
    attainment_by_tier: dict[str, list[Attainment]]
    backlog: list[tuple[str, int]]
    escalations: list[Escalation]
    deflections_by_month: list[tuple[str, int]]
    deflections_30_days: int
    oldest_waiting: list[WaitingCase]
    waiting_total: int = 0
    waiting_breached: int = 0
    # Searches, results opened, "this answered my question", cases filed: one row a month.
    funnel: list[FunnelMonth] = field(default_factory=list)

    @property
    def attainment_rows(self) -> list[AttainmentRow]:
        """The table: each tier's targeted severities, then that tier's total."""
        rows = []
        for tier in Tier:
            pairs = [(t, s) for (t, s) in self.attainment if t == tier.value]
            rows += [AttainmentRow(f"{tier.label} {s}", self.attainment[(t, s)]) for t, s in pairs]
            if pairs:
                cells = self.attainment_by_tier[tier.value]
                rows.append(AttainmentRow(f"All {tier.label}", cells, total_row=True))
        return rows

    @property
    def attainment_series(self) -> list[tuple[str, list[float | None]]]:
        """Per tier, the share met each month (%), for the chart."""
        return [
            (Tier(tier).label, [cell.percent for cell in cells])
            for tier, cells in self.attainment_by_tier.items()
        ]


def _month_starts(now: datetime, months: int) -> list[datetime]:
    """The first instants (UTC) of the last ``months`` months and of the month after them."""
    year, month = now.year, now.month
    starts = []
    for _ in range(months):
        starts.append(datetime(year, month, 1, tzinfo=UTC))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    starts.reverse()
    last = starts[-1]
    starts.append(datetime(last.year + last.month // 12, last.month % 12 + 1, 1, tzinfo=UTC))
    return starts


def _attainment_cells(
    now: datetime, starts: list[datetime], labels: list[str]
) -> dict[tuple[str, str, str], Attainment]:
    """One grouped query: cases whose target passed, and those met, per tier, severity, month."""
    month = case(
        *[
            (and_(Case.response_due_at >= start, Case.response_due_at < end), label)
            for label, start, end in zip(labels, starts[:-1], starts[1:], strict=True)
        ],
        else_=None,
    )
    passed = (
        select(
            Case.tier.label("tier"),
            Case.severity.label("severity"),
            month.label("month"),
            case((standing.met_target(), 1), else_=0).label("met"),
        )
        .where(
            # target_passed, less has_target: the pairs without a target are left out below
            # (cheaper than testing every tier and severity pair on each row).
            standing.settled(now),
            Case.response_due_at >= starts[0],
            Case.response_due_at < starts[-1],
        )
        .subquery()
    )
    # Grouped over a subquery: PostgreSQL will not match a CASE with bound values in GROUP BY.
    counted = db.session.execute(
        select(
            passed.c.tier, passed.c.severity, passed.c.month, func.sum(passed.c.met), func.count()
        ).group_by(passed.c.tier, passed.c.severity, passed.c.month)
    ).all()
    return {(t, s, m): Attainment(int(met), total) for t, s, m, met, total in counted}


def _attainment(
    cells: dict[tuple[str, str, str], Attainment], policy: SupportPolicy, labels: list[str]
) -> tuple[dict[tuple[str, str], list[Attainment]], dict[str, list[Attainment]]]:
    """The cells laid out per targeted tier and severity pair, and summed per tier."""
    by_pair = {
        (tier.value, severity.value): [
            cells.get((tier.value, severity.value, m), Attainment()) for m in labels
        ]
        for tier in Tier
        for severity in Severity
        if policy.target_for(tier, severity).has_target
    }
    by_tier = {}
    for tier in Tier:
        rows = [row for (t, _), row in by_pair.items() if t == tier.value]
        if rows:
            by_tier[tier.value] = [sum(column, Attainment()) for column in zip(*rows, strict=True)]
    return by_pair, by_tier


@dataclass(frozen=True)
class _MonthFigures:
    """The figures of a run of whole months that the dashboard charts."""

    attainment: dict[tuple[str, str, str], Attainment]
    funnel: list[FunnelMonth]


def _month_figures(now: datetime, starts: list[datetime], labels: list[str]) -> _MonthFigures:
    return _MonthFigures(_attainment_cells(now, starts, labels), monthly_funnel(starts, labels))


def _closed_month_figures(
    now: datetime, starts: list[datetime], labels: list[str]
) -> _MonthFigures:
    """The months before this one, kept in this process for `HISTORY_SECONDS`.

    Every case counted in a month that has ended had its target pass before now, so its
    standing is settled and waiting cannot change it; only an edit to an old case (or a
    search log row written late) can, and that shows within the minute. The current month
    is always counted afresh. Reading six months of cases on every view was most of the
    dashboard's time on a big database."""
    kept = current_app.extensions.setdefault("dashboard_history", {})
    key = tuple(labels)
    found = kept.get(key)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    figures = _month_figures(now, starts, labels)
    kept.clear()  # only the latest run of months is ever asked for again
    kept[key] = (time.monotonic() + HISTORY_SECONDS, figures)
    return figures


def _plan_state(item: Case, now: datetime) -> str:
    if not item.action_plan:
        return "missing"
    if item.action_plan_due_at is not None and item.action_plan_due_at < now:
        return "overdue"
    return "on_schedule"


def _waiting(now: datetime, policy: SupportPolicy) -> tuple[list[WaitingCase], int, int]:
    """The longest waiting on support (breached first, most overdue first) and the counts."""
    overdue = standing.breached(now, policy)
    waiting_since = func.coalesce(Case.last_customer_update_at, Case.filed_at)
    order = [
        case((overdue, 0), else_=1),
        case((overdue, Case.response_due_at), else_=None),
        waiting_since,
        Case.id,
    ]
    # The ten are chosen first, then joined to their owners and organisations: joining the
    # thousands of cases on support's move before sorting them costs more than the sort.
    longest = (
        select(Case.id).where(Case.on_supports_move).order_by(*order).limit(LONGEST_WAITING)
    ).subquery()
    rows = db.session.scalars(
        select(Case)
        .join(longest, longest.c.id == Case.id)
        .options(joinedload(Case.owner), joinedload(Case.organisation))
        .order_by(*order)
    ).unique()
    waiting = []
    for item in rows:
        status = standing.case_standing(item, now, policy)
        late = now - item.response_due_at if status is SlaStanding.BREACHED else None
        since = item.last_customer_update_at or item.filed_at
        waiting.append(WaitingCase(item, status, since, late))
    total, breached = db.session.execute(
        select(func.count(), func.count().filter(overdue)).where(Case.on_supports_move)
    ).one()
    return waiting, total, breached


def _backlog(now: datetime) -> list[tuple[str, int]]:
    """Open cases by age, counted in one statement (an age is in the first bucket it is
    under; the last bucket holds the rest)."""
    counts = []
    younger_than = None
    for _, limit in AGE_BUCKETS:
        older = Case.filed_at <= now - younger_than if younger_than is not None else None
        younger = Case.filed_at > now - limit if limit is not None else None
        bounds = [bound for bound in (older, younger) if bound is not None]
        counts.append(func.count().filter(and_(*bounds)) if bounds else func.count())
        younger_than = limit
    row = db.session.execute(select(*counts).where(Case.is_open)).one()
    return [(label, int(n)) for (label, _), n in zip(AGE_BUCKETS, row, strict=True)]


def build_dashboard(now: datetime | None = None, months: int = 6) -> Dashboard:
    """Every figure of the managers' dashboard at ``now``. Asked for the present (no `now`),
    the months that have ended may come from this process's memory; asked for a given
    moment, every figure is counted afresh."""
    afresh = now is not None or months < 2
    now = (now or utcnow()).astimezone(UTC)
    policy = current_policy()
    starts = _month_starts(now, months)
    labels = [f"{start:%Y-%m}" for start in starts[:-1]]
    # The last month is the current one; the ones before it have ended.
    if afresh:
        figures = _month_figures(now, starts, labels)
    else:
        closed = _closed_month_figures(now, starts[:-1], labels[:-1])
        this_month = _month_figures(now, starts[-2:], labels[-1:])
        figures = _MonthFigures(
            {**closed.attainment, **this_month.attainment}, closed.funnel + this_month.funnel
        )
    attainment, by_tier = _attainment(figures.attainment, policy, labels)

    backlog = _backlog(now)

    escalated = db.session.scalars(
        select(Case)
        .where(Case.escalated.is_(True), Case.is_open)
        .options(joinedload(Case.owner), joinedload(Case.organisation))
        .order_by(Case.escalated_at, Case.id)
    ).unique()
    escalations = [Escalation(item, _plan_state(item, now)) for item in escalated]

    deflection_times = db.session.scalars(
        select(Deflection.created_at).where(Deflection.created_at >= starts[0])
    ).all()
    per_month: dict[str, int] = defaultdict(int)
    for created_at in deflection_times:
        per_month[f"{created_at:%Y-%m}"] += 1
    recent = db.session.scalar(
        select(func.count()).where(Deflection.created_at >= now - timedelta(days=30))
    )

    waiting, waiting_total, waiting_breached = _waiting(now, policy)
    return Dashboard(
        labels,
        attainment,
        by_tier,
        backlog,
        escalations,
        [(m, per_month[m]) for m in labels],
        recent or 0,
        waiting,
        waiting_total,
        waiting_breached,
        figures.funnel,
    )
