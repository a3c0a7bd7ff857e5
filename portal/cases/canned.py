"""Canned replies: saved answers a team inserts into the reply box, kept by support managers.

A reply's body is Markdown with placeholders filled from the case when it is inserted, so
"Hello {customer_name}, about case {case_number}" greets each customer by name. Unknown
placeholders are refused when the reply is saved, so a typo never reaches a customer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import select

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import CannedReply, Case, StaffProfile, User
from portal.models.types import utcnow

MAX_TITLE = 120
MAX_TEAM = 80
MAX_BODY = 20_000
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# What each placeholder stands for, as managers read it on the editing page.
PLACEHOLDERS = {
    "customer_name": "the customer contact's name",
    "case_number": "the case number",
    "case_subject": "the case's subject",
    "engineer_name": "your own name",
}


def may_manage(user: object) -> bool:
    """Support managers (and administrators) keep the canned replies; engineers use them."""
    return entitlement.can_manage_escalations(user)


def _require_manager(user: object) -> None:
    if not may_manage(user):
        raise DomainError("Only support managers add, change or delete canned replies.", status=403)


def team_of(user: User) -> str:
    """The team on the engineer's staff profile; empty when they have not set one."""
    team = db.session.scalar(select(StaffProfile.team).where(StaffProfile.user_id == user.id))
    return team or ""


def replies_for(user: User) -> list[CannedReply]:
    """The replies offered to ``user``: their team's and those for every team, by title."""
    team = team_of(user)
    teams = [""] if not team else ["", team]
    query = (
        select(CannedReply)
        .where(CannedReply.team.in_(teams))
        .order_by(CannedReply.title, CannedReply.team)
    )
    return list(db.session.scalars(query))


def all_replies() -> list[CannedReply]:
    """Every canned reply, grouped by team (every-team ones first), for the managers' list."""
    return list(
        db.session.scalars(select(CannedReply).order_by(CannedReply.team, CannedReply.title))
    )


def find_reply(reply_id: int | None) -> CannedReply | None:
    return db.session.get(CannedReply, reply_id) if reply_id else None


def find_reply_for(user: User, reply_id: int | None) -> CannedReply | None:
    """A reply ``user`` is offered (their team's or every team's); None for any other."""
    reply = find_reply(reply_id)
    if reply is None or reply.team not in ("", team_of(user)):
        return None
    return reply


def fill_placeholders(body: str, case: Case, engineer: User) -> str:
    """The reply's text for this case: each known placeholder replaced by its value."""
    values = {
        "customer_name": case.contact.name,
        "case_number": case.number,
        "case_subject": case.subject,
        "engineer_name": engineer.name,
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def _checked(data: Mapping[str, object]) -> tuple[str, str, str]:
    """Team, title and body as they will be stored; DomainError naming each bad field."""
    values = {name: data.get(name) for name in ("team", "title", "body")}
    if any(v is not None and not isinstance(v, str) for v in values.values()):
        raise DomainError("Team, title and text must be text.")
    team = (values["team"] or "").strip()
    title = (values["title"] or "").strip()
    body = (values["body"] or "").strip()
    errors: dict[str, str] = {}
    if len(team) > MAX_TEAM:
        errors["team"] = f"Keep the team name under {MAX_TEAM} characters."
    if not title:
        errors["title"] = "Give the reply a title engineers will recognise in the list."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title under {MAX_TITLE} characters."
    if not body:
        errors["body"] = "Write the text of the reply."
    elif len(body) > MAX_BODY:
        errors["body"] = f"Keep the reply under {MAX_BODY:,} characters."
    else:
        unknown = sorted({m.group(1) for m in PLACEHOLDER.finditer(body)} - PLACEHOLDERS.keys())
        if unknown:
            known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            named = ", ".join(f"{{{name}}}" for name in unknown)
            errors["body"] = f"Unknown placeholder {named}: use one of {known}."
    if errors:
        raise DomainError(errors)
    return team, title, body


def _require_unique(team: str, title: str, keep: CannedReply | None = None) -> None:
    query = select(CannedReply.id).where(CannedReply.team == team, CannedReply.title == title)
    if keep is not None:
        query = query.where(CannedReply.id != keep.id)
    clash = db.session.scalar(query)
    if clash is not None:
        whose = f"team “{team}”" if team else "every team"
        raise DomainError({"title": f"{whose.capitalize()} already has a reply titled “{title}”."})


def create_reply(data: Mapping[str, object], actor: User) -> CannedReply:
    """A new canned reply from a manager; flushes."""
    _require_manager(actor)
    team, title, body = _checked(data)
    _require_unique(team, title)
    reply = CannedReply(team=team, title=title, body=body, updated_by=actor, updated_at=utcnow())
    db.session.add(reply)
    db.session.flush()
    return reply


def update_reply(reply: CannedReply, data: Mapping[str, object], actor: User) -> CannedReply:
    """A manager's change to a canned reply; flushes."""
    _require_manager(actor)
    team, title, body = _checked(data)
    _require_unique(team, title, keep=reply)
    reply.team, reply.title, reply.body = team, title, body
    reply.updated_by = actor
    reply.updated_at = utcnow()
    db.session.flush()
    return reply


def delete_reply(reply: CannedReply, actor: User) -> None:
    """A manager removes a canned reply; replies already sent with it are unchanged."""
    _require_manager(actor)
    db.session.delete(reply)
    db.session.flush()


DEMO_REPLIES = [
    (
        "",
        "Ask for a status report",
        "Hello {customer_name},\n\nto find the cause we need the host's status report. Please "
        "run `xen-bugtool --yestoall` on the pool master and attach the archive to case "
        "{case_number}.\n\nThank you,\n{engineer_name}",
    ),
    (
        "",
        "Resolved: please confirm",
        "Hello {customer_name},\n\nwe believe case {case_number} is resolved. If the problem "
        "comes back, reply here and the case opens again; otherwise it closes in seven days."
        "\n\nBest regards,\n{engineer_name}",
    ),
    (
        "Americas virtualisation",
        "Storage: multipath check",
        "Hello {customer_name},\n\nplease send the output of `multipath -ll` and `iscsiadm -m "
        "session` from each host in the pool, so we can check the paths to the storage "
        "repository.\n\n{engineer_name}",
    ),
]


def seed_demo_canned_replies() -> str:
    """The demo's canned replies, for every team and for the demo engineers' team."""
    added = 0
    for team, title, body in DEMO_REPLIES:
        exists = select(CannedReply.id).where(CannedReply.team == team, CannedReply.title == title)
        if db.session.scalar(exists) is None:
            db.session.add(CannedReply(team=team, title=title, body=body, updated_at=utcnow()))
            added += 1
    db.session.flush()
    return f"canned replies: {added} added"
