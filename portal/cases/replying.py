"""Support's reply on a case, with the status it should have afterwards, as one operation.

An engineer often answers and at once marks the case resolved (or waiting on the customer):
`reply_and_set_status` writes the reply through `conversation.post_message` and moves the
status through `triage.set_status` (so `status.change_status` and its table), refusing a
move the table forbids before anything is written.
"""

from __future__ import annotations

from datetime import datetime

from portal.cases.conversation import AFTER_SUPPORT_REPLY, post_message
from portal.cases.permissions import require_may_work
from portal.cases.status import allowed_next
from portal.cases.triage import set_status
from portal.domain_error import DomainError
from portal.models import Case, CaseMessage, CaseStatus, User
from portal.models.types import utcnow


def statuses_after_reply(case: Case) -> tuple[CaseStatus, list[CaseStatus]]:
    """The status a support reply leaves ``case`` in, and those "reply and set status" may
    move it to next: what the transitions table allows from there, except closing (which
    needs the customer's agreement, given with the status tool) and waiting for a bug fix
    without a linked bug."""
    after = AFTER_SUPPORT_REPLY.get(CaseStatus(case.status), CaseStatus(case.status))
    offered = [
        status
        for status in CaseStatus
        if status in allowed_next(after)
        and status is not CaseStatus.CLOSED
        and (status is not CaseStatus.AWAITING_BUG_FIX or case.bug_id)
    ]
    return after, offered


def reply_and_set_status(
    case: Case,
    author: User,
    body: object,
    status: object = "",
    *,
    now: datetime | None = None,
) -> CaseMessage:
    """A public reply and then, if ``status`` is given, a status change: one unit of work.

    The status is checked against the transitions table before the reply is written, so a
    refused change (DomainError naming ``status``) leaves no reply behind; the caller's
    transaction holds both or neither.
    """
    now = now or utcnow()
    target: CaseStatus | None = None
    if status not in ("", None):
        require_may_work(case, author)
        after, offered = statuses_after_reply(case)
        try:
            target = CaseStatus(str(status))
        except ValueError as error:
            raise DomainError({"status": "Choose a status from the list."}) from error
        if target is CaseStatus.AWAITING_BUG_FIX and not case.bug_id:
            raise DomainError({"status": "Link a bug tracking number before waiting for its fix."})
        if target is not after and target not in offered:
            if target is CaseStatus.CLOSED:
                message = "Close the case with the status tool, saying how the customer agreed."
            else:
                message = (
                    f"After your reply the case is {after.label.lower()}; it cannot become "
                    f"{target.label.lower()} from there."
                )
            raise DomainError({"status": message}, status=409)
    message = post_message(case, author, body, now=now)
    if target is not None:
        set_status(case, target, author, now=now)
    return message
