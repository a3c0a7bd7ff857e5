"""The public conversation on a case and staff's internal notes."""

from __future__ import annotations

from datetime import datetime

from portal.accounts import entitlement
from portal.cases.escalation import escalate, mentions_please_escalate
from portal.cases.filing import MAX_TEXT
from portal.cases.permissions import require_may_act, require_open
from portal.cases.status import change_status
from portal.cases.timeline import notify_customer, record_event
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Case, CaseMessage, CaseStatus, User
from portal.models.types import utcnow
from portal.policy import response_met

S = CaseStatus
# A customer's word moves the case back to support; a reply from support hands it over.
AFTER_CUSTOMER_MESSAGE = {
    S.WAITING_ON_CUSTOMER: S.WAITING_ON_SUPPORT,
    S.RESOLVED: S.WAITING_ON_SUPPORT,
}
AFTER_SUPPORT_REPLY = {
    S.NEW: S.WAITING_ON_CUSTOMER,
    S.ASSIGNED: S.WAITING_ON_CUSTOMER,
    S.WAITING_ON_SUPPORT: S.WAITING_ON_CUSTOMER,
}


def check_body(body: object) -> str:
    if not isinstance(body, str):
        raise DomainError({"body": "The message must be text."})
    body = body.strip()
    if not body:
        raise DomainError({"body": "Write a message before sending."})
    if len(body) > MAX_TEXT:
        raise DomainError({"body": f"Keep a message under {MAX_TEXT:,} characters."})
    return body


def post_message(
    case: Case, author: User, body: object, *, now: datetime | None = None
) -> CaseMessage:
    """A public message from the customer or from support; the caller has checked visibility.

    Customer: records their update, hands the case back to support, escalates on "please
    escalate". Support: the first public reply stops the response clock (met or missed),
    restarts the seven-day auto-close week, and mails the customer. Raises DomainError: 403
    for someone who may not change the case, 409 on a closed case (reopen it first).
    """
    now = now or utcnow()
    require_may_act(case, author)
    text = check_body(body)
    require_open(case, "This case is closed. Reopen it to add a message.", "body")
    from_support = entitlement.can_work_cases(author)
    message = CaseMessage(
        case=case,
        author=author,
        body=text,
        public=True,
        from_support=from_support,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    record_event(case, "message", author, {"message_id": message.id}, now=now)
    case.updated_at = now
    if from_support:
        _after_support_reply(case, author, message, now)
    else:
        case.last_customer_update_at = now
        following = AFTER_CUSTOMER_MESSAGE.get(S(case.status))
        if following:
            change_status(case, following, author, now=now)
        if mentions_please_escalate(text):
            escalate(case, author, reason="The customer asked for escalation.", now=now)
    return message


def _after_support_reply(case: Case, author: User, message: CaseMessage, now: datetime) -> None:
    if case.first_response_at is None:
        case.first_response_at = now
        case.response_met = response_met(case.response_due_at, now)
        record_event(case, "first_response", author, {"met": case.response_met}, now=now)
    following = AFTER_SUPPORT_REPLY.get(S(case.status))
    if following:
        change_status(case, following, author, now=now)
    notify_customer(
        case,
        f"New reply from {author.name}",
        restarts_auto_close=True,
        actor=author,
        markdown=message.body,
        now=now,
    )


def add_internal_note(
    case: Case, author: User, body: object, *, now: datetime | None = None
) -> CaseMessage:
    """A note only staff see: never on a customer page, in customer mail or API answers."""
    if not entitlement.can_work_cases(author):
        raise DomainError("Only support staff write internal notes.", status=403)
    now = now or utcnow()
    note = CaseMessage(
        case=case,
        author=author,
        body=check_body(body),
        public=False,
        from_support=True,
        created_at=now,
    )
    db.session.add(note)
    db.session.flush()
    record_event(case, "note", author, {"message_id": note.id}, public=False, now=now)
    return note
