"""Which cases a person may see, found with the permission inside the query.

A forgotten check returns nothing rather than someone else's case: every lookup by number
or attachment starts from `visible_cases(user)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import selectinload

from portal.accounts import entitlement
from portal.extensions import db
from portal.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseMessage,
    CaseStatus,
    ContactKind,
    ContactRole,
)
from portal.pagination import Page, paginate
from portal.policy import Severity

PER_PAGE = 25
# The case page shows the newest this many timeline entries; "Show earlier" shows them all.
LATEST_ENTRIES = 50


def visible_cases(user: Any) -> Select[tuple[Case]]:
    """Every case ``user`` may open: all of them for support staff, their organisations' cases
    for Support Administrators (also after the agreement lapsed), none for anyone else."""
    query = select(Case)
    if entitlement.can_work_cases(user):
        return query
    if not getattr(user, "is_authenticated", False):
        return query.where(false())
    organisations = select(ContactRole.organisation_id).where(
        ContactRole.user_id == user.id, ContactRole.kind == ContactKind.SUPPORT_ADMIN.value
    )
    return query.where(Case.organisation_id.in_(organisations))


def find_case(user: Any, number: str) -> Case | None:
    """The case with this number if ``user`` may see it; None otherwise (answer 404)."""
    return db.session.scalar(visible_cases(user).where(Case.number == number))


def find_attachment(user: Any, number: str, attachment_id: int) -> Attachment | None:
    case = find_case(user, number)
    if case is None:
        return None
    return db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case.id)
    )


@dataclass
class TimelineEntry:
    event: CaseEvent
    label: str
    message: CaseMessage | None
    detail: str


@dataclass
class Conversation:
    """The timeline entries a page shows, oldest first, and how many earlier ones it left out."""

    entries: list[TimelineEntry]
    earlier: int = 0


def timeline_for(case: Case, user: Any) -> list[TimelineEntry]:
    """The timeline this person may see, newest last: staff see everything, customers only
    public events and public messages (never internal notes)."""
    return conversation_for(case, user).entries


def conversation_for(case: Case, user: Any, latest: int | None = None) -> Conversation:
    """The newest ``latest`` entries of the timeline this person may see (all of them when
    ``latest`` is None), oldest first, with the count of earlier ones: three statements
    (the events with their actors, their messages, the earlier count), however long the
    case's history."""
    from portal.cases.timeline import EVENT_LABELS

    staff = entitlement.can_work_cases(user)
    visible = select(CaseEvent).where(CaseEvent.case_id == case.id)
    if not staff:
        visible = visible.where(CaseEvent.public.is_(True))
    loading = visible.options(selectinload(CaseEvent.actor))
    earlier = 0
    if latest is None:
        events = list(db.session.scalars(loading.order_by(CaseEvent.id)))
    else:
        events = list(db.session.scalars(loading.order_by(CaseEvent.id.desc()).limit(latest)))
        events.reverse()
        if len(events) == latest:
            earlier = db.session.scalar(
                select(func.count()).select_from(
                    visible.where(CaseEvent.id < events[0].id).subquery()
                )
            )
    wanted = [event.data.get("message_id") for event in events if event.kind in ("message", "note")]
    messages: dict[int, CaseMessage] = {}
    if wanted:
        found = select(CaseMessage).where(
            CaseMessage.case_id == case.id, CaseMessage.id.in_([m for m in wanted if m])
        )
        if not staff:
            found = found.where(CaseMessage.public.is_(True))
        messages = {m.id: m for m in db.session.scalars(found)}
    entries = []
    for event in events:
        message = None
        if event.kind in ("message", "note"):
            message = messages.get(event.data.get("message_id"))
            if message is None:
                continue
        entries.append(
            TimelineEntry(event, EVENT_LABELS.get(event.kind, event.kind), message, _detail(event))
        )
    return Conversation(entries, earlier or 0)


def note_count(case: Case) -> int:
    """How many internal notes the case holds."""
    return (
        db.session.scalar(
            select(func.count()).where(
                CaseMessage.case_id == case.id, CaseMessage.public.is_(False)
            )
        )
        or 0
    )


def _detail(event: CaseEvent) -> str:
    data = event.data or {}
    if event.kind == "status":
        text = f"{CaseStatus(data['from']).label} → {CaseStatus(data['to']).label}"
        return f"{text}: {data['reason']}" if data.get("reason") else text
    if event.kind == "first_response":
        return {True: "Within the response target.", False: "After the response target."}.get(
            data.get("met"), ""
        )
    if event.kind == "attachment":
        return str(data.get("name", ""))
    if event.kind == "filed":
        return f"Severity {data.get('severity', '')}, by {data.get('channel', 'web')}"
    reason = str(data.get("reason", "") or data.get("text", ""))
    if event.kind == "assigned" and data.get("owner"):
        return f"Owner: {data['owner']}" + (f". {reason}" if reason else "")
    if event.kind == "severity" and data.get("to"):
        return f"{data.get('from')} → {data['to']}" + (f": {reason}" if reason else "")
    if event.kind == "bug":
        if data.get("fixed_in"):
            return f"{data.get('bug_id')} is fixed in {data['fixed_in']}"
        return str(data.get("bug_id") or "Bug link removed")
    if event.kind == "third_party":
        return str(data.get("vendor") or "") if data.get("third_party") else "Flag removed"
    return reason


@dataclass
class CaseFilters:
    status: str = ""
    severity: str = ""
    product: str = ""

    @classmethod
    def from_args(cls, args: Any, products: list[str]) -> CaseFilters:
        status = args.get("status", "")
        severity = args.get("severity", "")
        product = args.get("product", "")
        return cls(
            status=status if status in {s.value for s in CaseStatus} | {"open"} else "",
            severity=severity if severity in {s.value for s in Severity} else "",
            product=product if product in products else "",
        )


def list_cases(
    user: Any, filters: CaseFilters, page: int = 1, per_page: int = PER_PAGE, *, clamp: bool = True
) -> Page[Case]:
    """One page of the visible cases in a fixed number of queries whatever the page length
    (the count, the page, its owners and organisations). Open cases still awaiting a first
    reply come first, soonest due first; then answered ones, cases without a target, and
    closed cases last. `clamp` as for `paginate()`."""
    query = visible_cases(user)
    if filters.status == "open":
        query = query.where(Case.is_open)
    elif filters.status:
        query = query.where(Case.status == filters.status)
    if filters.severity:
        query = query.where(Case.severity == filters.severity)
    if filters.product:
        query = query.where(Case.product == filters.product)
    ordered = query.options(selectinload(Case.owner), selectinload(Case.organisation)).order_by(
        ~Case.is_open,
        Case.first_response_at.is_not(None),
        Case.response_due_at.is_(None),
        Case.response_due_at,
        Case.filed_at.desc(),
        Case.id.desc(),
    )
    return paginate(ordered, page, per_page, clamp=clamp, from_either_end=True)
