"""The cases API (CONTRACT.md): list, file, read, message, attach, close and reopen."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from portal.accounts import entitlement
from portal.api import bp
from portal.api.helpers import fail, json_body, require_user
from portal.api.spec import BOOLEAN, DATETIME, INTEGER, STRING, endpoint, list_of, nullable, obj
from portal.cases import closure, conversation, filing, queries
from portal.cases.attachments import attach_files
from portal.cases.standing import case_standing
from portal.cases.uploads import accept_uploads
from portal.domain_error import DomainError
from portal.models import Attachment, Case, CaseMessage, CaseStatus, Channel, User
from portal.models.types import utcnow
from portal.numbers import parse_page
from portal.policy import Severity, SlaStanding
from portal.products.service import product_names

SEVERITY = {"type": "string", "enum": [s.value for s in Severity]}
STATUS = {"type": "string", "enum": [s.value for s in CaseStatus]}
SLA = {"type": "string", "enum": [standing.value for standing in SlaStanding]}
PERSON = nullable(obj(["email", "name"], email=STRING, name=STRING))
MESSAGE = obj(
    ["id", "author", "body", "public", "from_support", "created_at"],
    id=INTEGER,
    author=PERSON,
    body=STRING,
    public=BOOLEAN,
    from_support=BOOLEAN,
    created_at=DATETIME,
)
ATTACHMENT = obj(
    ["id", "name", "size", "content_type", "created_at", "url"],
    id=INTEGER,
    name=STRING,
    size=INTEGER,
    content_type=STRING,
    created_at=DATETIME,
    url=STRING,
)
SUMMARY_FIELDS = dict(
    number=STRING,
    subject=STRING,
    status=STATUS,
    severity=SEVERITY,
    tier=STRING,
    product=STRING,
    version=STRING,
    organisation=STRING,
    owner=PERSON,
    escalated=BOOLEAN,
    filed_at=DATETIME,
    response_due_at=nullable(DATETIME),
    first_response_at=nullable(DATETIME),
    response_met=nullable(BOOLEAN),
    sla=SLA,
    url=STRING,
)
SUMMARY = obj(list(SUMMARY_FIELDS), **SUMMARY_FIELDS)
CASE = obj(
    list(SUMMARY_FIELDS) + ["customer_severity", "bug_id", "action_plan", "messages"],
    **SUMMARY_FIELDS,
    customer_severity=SEVERITY,
    description=STRING,
    recent_changes=STRING,
    channel=STRING,
    bug_id=nullable(STRING),
    third_party=BOOLEAN,
    action_plan=nullable(STRING),
    action_plan_due_at=nullable(DATETIME),
    closed_at=nullable(DATETIME),
    messages={"type": "array", "items": MESSAGE},
    attachments={"type": "array", "items": ATTACHMENT},
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _person(user: User | None) -> dict[str, str] | None:
    return {"email": user.email, "name": user.name} if user else None


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "subject": case.subject,
        "status": case.status,
        "severity": case.severity,
        "tier": case.tier,
        "product": case.product,
        "version": case.version,
        "organisation": case.organisation.name,
        "owner": _person(case.owner),
        "escalated": case.escalated,
        "filed_at": _iso(case.filed_at),
        "response_due_at": _iso(case.response_due_at),
        "first_response_at": _iso(case.first_response_at),
        "response_met": case.response_met,
        "sla": case_standing(case, utcnow()).value,
        "url": url_for("cases.show", number=case.number, _external=True),
    }


def message_json(message: CaseMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "author": _person(message.author),
        "body": message.body,
        "public": message.public,
        "from_support": message.from_support,
        "created_at": _iso(message.created_at),
    }


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "name": attachment.original_name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "created_at": _iso(attachment.created_at),
        "url": url_for(
            "cases.download",
            number=attachment.case.number,
            attachment_id=attachment.id,
            _external=True,
        ),
    }


def case_json(case: Case, user: User) -> dict[str, Any]:
    """The full case; internal notes only for staff, never for customers."""
    staff = entitlement.can_work_cases(user)
    return case_summary(case) | {
        "customer_severity": case.customer_severity,
        "description": case.description,
        "recent_changes": case.recent_changes,
        "channel": case.channel,
        "bug_id": case.bug_id,
        "third_party": case.third_party,
        "action_plan": case.action_plan,
        "action_plan_due_at": _iso(case.action_plan_due_at),
        "closed_at": _iso(case.closed_at),
        "messages": [message_json(m) for m in case.messages if m.public or staff],
        "attachments": [attachment_json(a) for a in case.attachments],
    }


def _visible_case(user: User, number: str) -> Case:
    case = queries.find_case(user, number)
    if case is None:
        fail(404, f"There is no case {number[:20]} that you can see.", "not_found")
    return case


@endpoint(
    bp,
    "/cases",
    "GET",
    "The cases you can see, soonest response due first",
    tags=["cases"],
    response=list_of(SUMMARY),
    query={"status": STRING, "severity": SEVERITY, "product": STRING, "page": INTEGER},
)
def list_cases() -> Any:
    user = require_user()
    filters = queries.CaseFilters.from_args(request.args, product_names(include_retired=True))
    # Past the last page the answer is empty, so a client paging until it runs out stops.
    cases = queries.list_cases(user, filters, parse_page(request.args.get("page")), clamp=False)
    return jsonify({"results": [case_summary(c) for c in cases.items], "total": cases.total})


@endpoint(
    bp,
    "/cases",
    "POST",
    "File a case (Support Administrators with a current agreement)",
    tags=["cases"],
    status=201,
    response=CASE,
    request=obj(
        ["subject", "description", "severity", "product"],
        subject=STRING,
        description=STRING,
        severity=SEVERITY,
        product=STRING,
        version=STRING,
        recent_changes=STRING,
        organisation={"type": "string", "description": "name, if several"},
    ),
)
def create_case() -> Any:
    user = require_user()
    if not entitlement.can_file_case(user):
        fail(
            403,
            "Your account cannot open support cases: that needs a current Base or Gold "
            "agreement and the Support Administrator role.",
            "forbidden",
        )
    data = json_body()
    draft = filing.CaseDraft(
        **{name: data.get(name) for name in filing.CaseDraft.__annotations__ if name != "checked"}
    )
    organisation = _organisation(user, data.get("organisation"))
    case = filing.file_case(user, organisation, draft, channel=Channel.API)
    return jsonify(case_json(case, user)), 201


def _organisation(user: User, wanted: Any) -> Any:
    organisations = entitlement.filing_organisations(user)
    if wanted is None:
        return filing.filing_organisation(user, None)
    if not isinstance(wanted, str | int) or isinstance(wanted, bool):
        raise DomainError({"organisation": "Give the organisation's name."})
    for organisation in organisations:
        if str(wanted).strip().lower() in (organisation.name.lower(), str(organisation.id)):
            return organisation
    raise DomainError({"organisation": "That is not one of your organisations."})


@endpoint(
    bp, "/cases/<number>", "GET", "One case with its public messages", tags=["cases"], response=CASE
)
def get_case(number: str) -> Any:
    user = require_user()
    return jsonify(case_json(_visible_case(user, number), user))


@endpoint(
    bp,
    "/cases/<number>/messages",
    "POST",
    "Add a public message (customers; staff post public replies)",
    tags=["cases"],
    status=201,
    request=obj(["body"], body=STRING),
    response=MESSAGE,
)
def post_case_message(number: str) -> Any:
    user = require_user()
    case = _visible_case(user, number)
    data = json_body()
    message = conversation.post_message(case, user, data.get("body"))
    return jsonify(message_json(message)), 201


@endpoint(
    bp,
    "/cases/<number>/attachments",
    "POST",
    "Attach a file (multipart field 'file')",
    tags=["cases"],
    status=201,
    multipart=True,
    request=obj(["file"], file={"type": "string", "format": "binary"}),
    response=ATTACHMENT,
)
def post_case_attachment(number: str) -> Any:
    user = require_user()
    case = _visible_case(user, number)
    accept_uploads(check_csrf=False)
    saved = attach_files(case, request.files.getlist("file"), user, field="file")
    return jsonify(attachment_json(saved[0])), 201


@endpoint(
    bp,
    "/cases/<number>/close",
    "POST",
    "Close the case (the customer confirms)",
    tags=["cases"],
    response=CASE,
)
def close_case(number: str) -> Any:
    """The customer confirms; support closes only saying how the customer agreed."""
    user = require_user()
    case = _visible_case(user, number)
    data = request.get_json(silent=True) if request.is_json else None
    reason = data.get("reason") if isinstance(data, dict) else None
    closure.close_case(case, user, reason=reason.strip()[:500] if isinstance(reason, str) else "")
    return jsonify(case_json(case, user))


@endpoint(
    bp,
    "/cases/<number>/reopen",
    "POST",
    "Reopen a resolved or closed case",
    tags=["cases"],
    response=CASE,
)
def reopen_case(number: str) -> Any:
    user = require_user()
    case = _visible_case(user, number)
    closure.reopen_case(case, user)
    return jsonify(case_json(case, user))
