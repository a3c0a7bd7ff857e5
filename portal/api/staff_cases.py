"""Staff endpoints on cases: PATCH the case, internal notes, and managers' action plans."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from portal.accounts import entitlement
from portal.api import bp
from portal.api.cases import CASE, MESSAGE, SEVERITY, _visible_case, case_json, message_json
from portal.api.helpers import fail, json_body, require_user
from portal.api.spec import BOOLEAN, DATETIME, STRING, endpoint, obj
from portal.cases import conversation, triage
from portal.models import User


def _staff() -> User:
    user = require_user()
    if not entitlement.can_work_cases(user):
        fail(403, "Only support staff may do this.", "forbidden")
    return user


@endpoint(
    bp,
    "/cases/<number>",
    "PATCH",
    "Change severity, owner, status, bug, third-party flag or escalation (staff; 'reason' "
    "needed for a severity change, a reassignment, closing, escalating or ending one)",
    tags=["staff"],
    request=obj(
        severity=SEVERITY,
        owner={"type": "string", "format": "email"},
        status=STRING,
        bug_id=STRING,
        third_party=BOOLEAN,
        third_party_vendor=STRING,
        escalated=BOOLEAN,
        reason=STRING,
    ),
    response=CASE,
)
def patch_case(number: str) -> Any:
    user = _staff()
    case = _visible_case(user, number)
    data = json_body()
    if not data:
        fail(422, "Send at least one field to change.", "invalid")
    triage.apply_changes(case, data, user)
    return jsonify(case_json(case, user))


@endpoint(
    bp,
    "/cases/<number>/notes",
    "POST",
    "Add an internal note (staff only; never shown to customers)",
    tags=["staff"],
    status=201,
    request=obj(["body"], body=STRING),
    response=MESSAGE,
)
def post_case_note(number: str) -> Any:
    user = _staff()
    case = _visible_case(user, number)
    data = json_body()
    note = conversation.add_internal_note(case, user, data.get("body"))
    return jsonify(message_json(note)), 201


@endpoint(
    bp,
    "/cases/<number>/action-plan",
    "POST",
    "Publish the action plan of an escalated case (support managers)",
    tags=["staff"],
    request=obj(["body", "due_at"], body=STRING, due_at=DATETIME),
    response=CASE,
)
def post_action_plan(number: str) -> Any:
    user = _staff()
    case = _visible_case(user, number)
    data = json_body()
    triage.write_action_plan(case, data.get("body"), data.get("due_at"), user)
    return jsonify(case_json(case, user))
