"""Figures for the support managers' dashboard, each in a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Case, Deflection
from portal.models.types import utcnow
from portal.policy import Severity, Tier

AGE_BUCKETS = [
    ("Under 1 day", timedelta(days=1)),
    ("1–3 days", timedelta(days=3)),
    ("3–7 days", timedelta(days=7)),
    ("1–4 weeks", timedelta(days=28)),
    ("Over 4 weeks", None),
]
TARGETED = [Severity.P1, Severity.P2, Severity.P3]


@dataclass
class Dashboard:
    months: list[str]
    attainment: dict[tuple[str, str], list[float | None]]  # (tier, severity) -> % met per month
    attainment_by_tier: dict[str, list[float | None]]
    backlog: list[tuple[str, int]]
    escalations: list[Case]
    deflections_by_month: list[tuple[str, int]]
    deflections_30_days: int
    oldest_waiting: list[Case]


def _month_labels(now: datetime, months: int) -> list[str]:
    labels = []
    year, month = now.year, now.month
    for _ in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(labels))


def _percent(met: int, total: int) -> float | None:
    return round(100 * met / total, 1) if total else None


def build_dashboard(now: datetime | None = None, months: int = 6) -> Dashboard:
    now = now or utcnow()
    labels = _month_labels(now, months)
    since = datetime.fromisoformat(labels[0] + "-01").replace(tzinfo=now.tzinfo)

    answered = db.session.execute(
        select(Case.tier, Case.severity, Case.filed_at, Case.response_met).where(
            Case.filed_at >= since, Case.response_met.is_not(None)
        )
    ).all()
    met: Counter[tuple[str, str, str]] = Counter()
    seen: Counter[tuple[str, str, str]] = Counter()
    for tier, severity, filed_at, was_met in answered:
        key = (tier, severity, f"{filed_at:%Y-%m}")
        seen[key] += 1
        met[key] += bool(was_met)
    attainment = {
        (tier.value, sev.value): [
            _percent(met[(tier.value, sev.value, m)], seen[(tier.value, sev.value, m)])
            for m in labels
        ]
        for tier in Tier
        for sev in TARGETED
    }
    by_tier = {}
    for tier in Tier:
        row = []
        for m in labels:
            total = sum(seen[(tier.value, s.value, m)] for s in Severity)
            hits = sum(met[(tier.value, s.value, m)] for s in Severity)
            row.append(_percent(hits, total))
        by_tier[tier.label] = row

    open_filed = db.session.scalars(select(Case.filed_at).where(Case.is_open)).all()
    buckets: Counter[str] = Counter()
    for filed_at in open_filed:
        age = now - filed_at
        for label, limit in AGE_BUCKETS:
            if limit is None or age < limit:
                buckets[label] += 1
                break
    backlog = [(label, buckets[label]) for label, _ in AGE_BUCKETS]

    escalations = list(
        db.session.scalars(
            select(Case)
            .where(Case.escalated.is_(True), Case.is_open)
            .options(joinedload(Case.owner), joinedload(Case.organisation))
            .order_by(Case.escalated_at)
        )
    )

    deflection_times = db.session.scalars(
        select(Deflection.created_at).where(Deflection.created_at >= since)
    ).all()
    per_month: dict[str, int] = defaultdict(int)
    for created_at in deflection_times:
        per_month[f"{created_at:%Y-%m}"] += 1
    recent = db.session.scalar(
        select(func.count()).where(Deflection.created_at >= now - timedelta(days=30))
    )

    waiting_since = func.coalesce(Case.last_customer_update_at, Case.filed_at)
    oldest = list(
        db.session.scalars(
            select(Case)
            .where(Case.on_supports_move)
            .options(joinedload(Case.owner), joinedload(Case.organisation))
            .order_by(waiting_since)
            .limit(10)
        )
    )
    return Dashboard(
        labels,
        attainment,
        by_tier,
        backlog,
        escalations,
        [(m, per_month[m]) for m in labels],
        recent or 0,
        oldest,
    )
