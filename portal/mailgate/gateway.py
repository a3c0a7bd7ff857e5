"""`receive(raw)`: one received message, stored once, then filed on its case through the case
operations, answered (a Support Administrator's mail that matches no case), or recorded for
staff to review with the reason. Never a 500, never a second copy, never an answer to mail a
machine wrote.

Matching follows Request Tracker and Zammad: the threading headers first (a thread root or a
case mail's Message-ID is unguessable), then a case number in the subject, but only for a
sender who may act on that case. Whoever sent it must be allowed to act on the case by the
same rule as on the web (`permissions.require_may_act`); a forged From on a real thread is
therefore refused and recorded, not posted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from portal import transactions
from portal.accounts import entitlement
from portal.cases import attachments, closure, conversation
from portal.cases.permissions import require_may_act
from portal.domain_error import DomainError
from portal.extensions import db
from portal.mail.threads import case_for_message_id, is_our_message_id
from portal.mailgate import answers
from portal.mailgate.classify import automatic
from portal.mailgate.parsing import ReceivedFile, ReceivedMail, dedupe_key, parse
from portal.models import Case, IncomingMail, User
from portal.models.types import utcnow

FILED, ANSWERED, REVIEW, DISCARDED, DUPLICATE = "filed", "answered", "review", "discarded", "dup"
SUBJECT_NUMBER = re.compile(r"\bcase\s*(?:no\.?|number|#)?\s*:?\s*(\d{5,12})\b", re.IGNORECASE)
HEADER_BYTES = 64 * 1024
MIN_INLINE_IMAGE = 1024  # smaller inline images are spacers and tracking pixels


@dataclass
class Outcome:
    status: str
    code: str
    reason: str
    incoming_id: int | None = None
    case_number: str | None = None

    def summary(self) -> str:
        where = f" (case {self.case_number})" if self.case_number else ""
        return f"{self.status}{where}: {self.reason}"


def max_message_bytes() -> int:
    return int(current_app.config.get("MAIL_MAX_MESSAGE_BYTES") or 30 * 1024 * 1024)


def deliver(raw: bytes, *, size: int | None = None, now: datetime | None = None) -> Outcome:
    """Receive one message and commit it as one unit of work; a concurrent second delivery
    of the same message is reported as a duplicate. ``size`` is the full size of a message
    of which only the head was read (refused for its size)."""
    try:
        outcome = receive(raw, size=size, now=now)
        transactions.commit()
    except IntegrityError:
        transactions.rollback()
        if not _stored_already(raw):
            raise
        return Outcome(DUPLICATE, "duplicate", "This message was already received.")
    except Exception:
        transactions.rollback()
        raise
    return outcome


def _stored_already(raw: bytes) -> bool:
    """After a refused commit: did another delivery of this message get stored first?"""
    try:
        message_id = parse(raw[:HEADER_BYTES]).message_id
    except Exception:
        message_id = ""
    return _key_stored(dedupe_key(raw, message_id))


def _key_stored(key: str) -> bool:
    found = db.session.scalar(select(IncomingMail.id).where(IncomingMail.dedupe_key == key))
    return found is not None


def receive(raw: bytes, *, size: int | None = None, now: datetime | None = None) -> Outcome:
    """Store and act on one message; flushes, never commits (see `deliver`)."""
    now = now or utcnow()
    size = len(raw) if size is None else size
    too_large = size > max_message_bytes()
    try:
        mail: ReceivedMail | None = parse(raw[:HEADER_BYTES] if too_large else raw)
    except Exception:  # the parser gave up on it entirely
        mail = None
    key = dedupe_key(raw, mail.message_id if mail else "")
    if _key_stored(key):
        return Outcome(DUPLICATE, "duplicate", "This message was already received.")
    row = IncomingMail(
        dedupe_key=key,
        message_id=(mail.message_id if mail else "")[:500],
        sender=mail.sender if mail else "",
        sender_name=mail.sender_name if mail else "",
        subject=(mail.subject if mail else "")[:300],
        size=size,
        raw=None if too_large else raw,
        status=REVIEW,
        received_at=now,
    )
    db.session.add(row)
    db.session.flush()
    if too_large:
        limit = max_message_bytes() // (1024 * 1024)
        return _review(row, "too_large", f"The message is larger than the {limit} MB limit.")
    if mail is None:
        return _review(row, "malformed", "The message could not be read as an email.")
    return _decide(row, mail, now)


def _decide(row: IncomingMail, mail: ReceivedMail, now: datetime) -> Outcome:
    if not (mail.sender or mail.message_id or mail.subject):
        return _review(row, "malformed", "The message has no readable sender or headers.")
    verdict = automatic(mail)
    if verdict is not None:
        return _review(row, verdict.code, verdict.reason + " Never answered.")
    sender = _sender_user(mail.sender)
    case, how = _match(mail, sender)
    if case is not None:
        row.case_id = case.id
        if sender is None:
            return _review(
                row,
                "unknown_sender",
                f"Matches case {case.number} by {how}, but {mail.sender} is not a portal user.",
                case,
            )
        try:
            require_may_act(case, sender)
        except DomainError as refusal:
            return _review(
                row,
                "not_allowed",
                f"Matches case {case.number} by {how}, but {mail.sender} may not act on it: "
                f"{refusal.message}",
                case,
            )
        return file_on_case(row, mail, case, sender, now)
    if sender is None:
        return _review(row, "unknown_sender", f"{mail.sender} is not a portal user.")
    return _not_a_reply(row, mail, sender, now)


def _sender_user(address: str) -> User | None:
    if not address:
        return None
    user = db.session.scalar(select(User).where(User.email == address))
    return user if user is not None and user.active else None


def _match(mail: ReceivedMail, sender: User | None) -> tuple[Case | None, str]:
    for message_id in mail.thread_ids:
        case = case_for_message_id(message_id) or _case_of_received(message_id)
        if case is not None:
            return case, "its threading headers"
    found = SUBJECT_NUMBER.search(mail.subject)
    if found and sender is not None:
        number = found.group(1).zfill(8)
        case = db.session.scalar(select(Case).where(Case.number == number))
        # A number anyone can type only counts for someone who may act on that case.
        if case is not None and _may_act(case, sender):
            return case, "the case number in its subject"
    return None, ""


def _case_of_received(message_id: str) -> Case | None:
    """A reply to a message we filed on a case (a colleague answering the customer's mail)."""
    case_id = db.session.scalar(
        select(IncomingMail.case_id).where(
            IncomingMail.message_id == message_id, IncomingMail.status == FILED
        )
    )
    return db.session.get(Case, case_id) if case_id else None


def _may_act(case: Case, user: User) -> bool:
    try:
        require_may_act(case, user)
    except DomainError:
        return False
    return True


def file_on_case(
    row: IncomingMail, mail: ReceivedMail, case: Case, sender: User, now: datetime
) -> Outcome:
    """Post the mail's new text and files on ``case`` as ``sender`` wrote them, reopening a
    closed case first; a refusal by the case operations leaves it recorded for review."""
    accepted, refused = _usable_files(case, mail.files)
    if not mail.text.strip() and not accepted:
        reason = "It has no new text and no attachment to add."
        if refused:
            reason += " Refused: " + "; ".join(refused)
        return _review(row, "empty", reason, case)
    try:
        with db.session.begin_nested():
            if case.is_closed:
                closure.reopen_case(case, sender, reason="Reopened by a reply by email.", now=now)
            message = None
            if mail.text.strip():
                message = conversation.post_message(case, sender, mail.text, now=now)
            for start in range(0, len(accepted), attachments.MAX_FILES_PER_POST):
                chunk = accepted[start : start + attachments.MAX_FILES_PER_POST]
                attachments.attach_files(case, chunk, sender, now=now)
    except DomainError as refusal:
        return _review(row, "refused", f"Case {case.number} refused it: {refusal.message}", case)
    row.status = FILED
    row.author_id = sender.id
    row.case_message_id = message.id if message is not None else None
    row.reason_code = "reply"
    who = "support" if entitlement.can_work_cases(sender) else "the customer"
    parts = [f"Added to case {case.number} as {who}'s reply by email"]
    if accepted:
        parts.append(f"with {len(accepted)} file(s)")
    reason = " ".join(parts) + "."
    if refused:
        reason += " Not attached: " + "; ".join(refused)
    row.reason = reason
    db.session.flush()
    return Outcome(FILED, "reply", reason, row.id, case.number)


def _usable_files(case: Case, files: list[ReceivedFile]) -> tuple[list[FileStorage], list[str]]:
    """The files to attach under the upload rules, and why the others were left out."""
    limit = attachments.max_attachment_bytes()
    known = {(a.original_name, a.size) for a in case.attachments}
    accepted: list[FileStorage] = []
    refused: list[str] = []
    for item in files:
        name = attachments.display_name(item.filename)
        if item.inline and item.content_type.startswith("image/"):
            # Signature logos come back with every reply; keep a pasted screenshot once.
            if len(item.data) < MIN_INLINE_IMAGE or (name, len(item.data)) in known:
                continue
        if limit and len(item.data) > limit:
            refused.append(f"{name} is larger than the {attachments.human_size(limit)} limit")
            continue
        known.add((name, len(item.data)))
        accepted.append(
            FileStorage(stream=BytesIO(item.data), filename=name, content_type=item.content_type)
        )
    return accepted, refused


def _not_a_reply(row: IncomingMail, mail: ReceivedMail, sender: User, now: datetime) -> Outcome:
    if any(is_our_message_id(mid) for mid in mail.thread_ids):
        return _review(row, "no_case", "It answers a mail from the portal that belongs to no case.")
    if not entitlement.can_file_case(sender):
        return _review(row, "no_case", f"It matches no case, and {sender.email} cannot file one.")
    limit = int(current_app.config.get("MAIL_ANSWERS_PER_SENDER_PER_DAY") or 0)
    answered = db.session.scalar(
        select(func.count(IncomingMail.id)).where(
            IncomingMail.sender == sender.email,
            IncomingMail.status == ANSWERED,
            IncomingMail.received_at > now - timedelta(days=1),
        )
    )
    if answered >= limit:
        return _review(
            row,
            "rate_limited",
            f"It matches no case; {sender.email} already had {answered} answer(s) by mail "
            "today, so this one was not answered.",
        )
    answer = answers.answer_without_case(sender, mail)
    row.status = ANSWERED
    row.reason_code = "answered"
    row.author_id = sender.id
    row.answer_mail_id = answer.id
    row.reason = "It matches no case: answered once with the web form and matching KB articles."
    db.session.flush()
    return Outcome(ANSWERED, "answered", row.reason, row.id)


def _review(row: IncomingMail, code: str, reason: str, case: Case | None = None) -> Outcome:
    row.status = REVIEW
    row.reason_code = code
    row.reason = reason
    db.session.flush()
    return Outcome(REVIEW, code, reason, row.id, case.number if case else None)
