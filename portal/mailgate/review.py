"""Staff review of received mail that was not attached to a case: see why, then attach it to
a case or discard it.

Attaching goes through the same case operations as everything else: when the sender is a
portal user who may act on the chosen case, the mail is filed as their reply (as if it had
matched); otherwise its text becomes an internal note by the member of staff, quoting who
sent it, so a stranger's words never appear as the customer's or support's public message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portal.accounts import entitlement
from portal.cases import conversation, queries
from portal.cases.filing import MAX_TEXT
from portal.cases.permissions import require_may_act
from portal.domain_error import DomainError
from portal.extensions import db
from portal.mailgate.gateway import DISCARDED, FILED, REVIEW, SUBJECT_NUMBER, file_on_case
from portal.mailgate.parsing import ReceivedMail, parse
from portal.models import IncomingMail, User
from portal.models.types import utcnow

PER_PAGE = 25
VIEWS = {"review": "To review", "all": "All received mail"}
STATUS_LABELS = {
    REVIEW: "To review",
    FILED: "On a case",
    "answered": "Answered",
    DISCARDED: "Discarded",
}


@dataclass
class ReceivedPage:
    rows: list[IncomingMail]
    total: int
    page: int
    pages: int
    view: str


def require_staff(user: User) -> None:
    if not entitlement.can_work_cases(user):
        raise DomainError("Only support staff review received mail.", status=403)


def to_review_count() -> int:
    return int(
        db.session.scalar(select(func.count(IncomingMail.id)).where(IncomingMail.status == REVIEW))
        or 0
    )


def received_page(view: str, page: int) -> ReceivedPage:
    """Received mail, newest first: what needs review, or everything."""
    view = view if view in VIEWS else "review"
    query = select(IncomingMail)
    count = select(func.count(IncomingMail.id))
    if view == "review":
        query = query.where(IncomingMail.status == REVIEW)
        count = count.where(IncomingMail.status == REVIEW)
    total = int(db.session.scalar(count) or 0)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = list(
        db.session.scalars(
            query.order_by(IncomingMail.received_at.desc(), IncomingMail.id.desc())
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        )
    )
    return ReceivedPage(rows, total, page, pages, view)


def find_received(mail_id: int) -> IncomingMail | None:
    return db.session.get(IncomingMail, mail_id)


def readable(row: IncomingMail) -> ReceivedMail | None:
    """The parsed message, or None when nothing of it was kept (refused for its size)."""
    if row.raw is None:
        return None
    try:
        return parse(row.raw)
    except Exception:
        return None


def suggested_case(row: IncomingMail) -> str:
    """A case number the subject names, to prefill the attach field ('' when none)."""
    found = SUBJECT_NUMBER.search(row.subject or "")
    return found.group(1).zfill(8) if found else ""


def attach_to_case(
    row: IncomingMail, number: object, staff: User, *, now: datetime | None = None
) -> str:
    """Attach a recorded message to a case; returns what was done, for the flash message."""
    require_staff(staff)
    now = now or utcnow()
    if row.status != REVIEW:
        raise DomainError("This message has been dealt with already.", status=409)
    case = queries.find_case(staff, str(number or "").strip()) if number else None
    if case is None:
        raise DomainError({"case": "Give the number of an existing case, e.g. 00100001."})
    mail = readable(row)
    if mail is None:
        raise DomainError("Nothing of this message was kept (it was too large to store).")
    sender = db.session.scalar(select(User).where(User.email == row.sender)) if row.sender else None
    if sender is not None and sender.active and _may_act(case, sender):
        outcome = file_on_case(row, mail, case, sender, now)
        if outcome.status != FILED:
            raise DomainError(outcome.reason, status=409)
        done = f"Added to case {case.number} as {sender.name}'s message."
    else:
        note = _note_text(row, mail)
        message = conversation.add_internal_note(case, staff, note, now=now)
        row.status = FILED
        row.case_id = case.id
        row.case_message_id = message.id
        done = f"Added to case {case.number} as an internal note (the sender may not act on it)."
        row.reason = f"{row.reason} {done}".strip()
    row.handled_by_id = staff.id
    row.handled_at = now
    db.session.flush()
    return done


def discard(row: IncomingMail, staff: User, *, now: datetime | None = None) -> None:
    require_staff(staff)
    if row.status != REVIEW:
        raise DomainError("This message has been dealt with already.", status=409)
    row.status = DISCARDED
    row.handled_by_id = staff.id
    row.handled_at = now or utcnow()
    db.session.flush()


def _may_act(case: object, user: User) -> bool:
    try:
        require_may_act(case, user)  # type: ignore[arg-type]
    except DomainError:
        return False
    return True


def _note_text(row: IncomingMail, mail: ReceivedMail) -> str:
    sender = f"{row.sender_name} <{row.sender}>" if row.sender_name else row.sender
    files = ", ".join(f.filename for f in mail.files)
    who = sender or "an unknown sender"
    lines = [
        f"Received by mail from {who}, subject \u201c{row.subject}\u201d:",
        "",
        mail.text or mail.body or "(no text)",
    ]
    if files:
        lines += [
            "",
            f"Its attachments stay with the received mail (download it as .eml): {files}.",
        ]
    return "\n".join(lines)[:MAX_TEXT]
