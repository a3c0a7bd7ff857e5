"""Ideas in the JSON API: suggest (with the terms), vote once, and set the status (PMs)."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import jsonify, url_for

from portal.api import bp
from portal.api.forums import api_post_limit
from portal.api.helpers import fail, json_body, require_user
from portal.api.spec import BOOLEAN, DATETIME, INTEGER, STRING, endpoint, nullable, obj
from portal.extensions import db
from portal.ideas import service
from portal.ideas.service import IdeaError
from portal.models import Idea, IdeaStatus

STATUS = {"type": "string", "enum": [s.value for s in IdeaStatus]}
IDEA = obj(
    ["id", "title", "status", "votes", "url"],
    id=INTEGER,
    title=STRING,
    body=STRING,
    status=STATUS,
    status_note=STRING,
    shipped_in_release=STRING,
    votes=INTEGER,
    created_at=DATETIME,
    status_changed_at=nullable(DATETIME),
    url=STRING,
)
VOTE = obj(["id", "votes", "voted"], id=INTEGER, votes=INTEGER, voted=BOOLEAN)


def idea_json(idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.id,
        "title": idea.title,
        "body": idea.body,
        "status": idea.status,
        "status_note": idea.status_note,
        "shipped_in_release": idea.shipped_in_release,
        "votes": idea.vote_count,
        "created_at": idea.created_at.isoformat(),
        "status_changed_at": idea.status_changed_at.isoformat() if idea.status_changed_at else None,
        "url": url_for("ideas.show", idea_id=idea.id),
    }


def refuse(error: IdeaError) -> NoReturn:
    db.session.rollback()
    codes = {401: "unauthorized", 403: "forbidden", 409: "conflict", 413: "too_large"}
    code = "terms_not_accepted" if error.field == "accept_terms" else None
    fail(error.status, str(error), code or codes.get(error.status, "invalid"))


def _idea(idea_id: int) -> Idea:
    idea = service.find_idea(idea_id)
    if idea is None:
        fail(404, f"There is no idea {idea_id}.", "not_found")
    return idea


@endpoint(
    bp,
    "/ideas",
    "POST",
    "Suggest an idea; a first idea needs accept_terms: true (the terms on suggestions)",
    tags=["ideas"],
    request=obj(["title", "body"], title=STRING, body=STRING, accept_terms=BOOLEAN),
    response=IDEA,
    status=201,
)
@api_post_limit
def idea_create() -> Any:
    user = require_user()
    data = json_body()
    try:
        idea = service.create_idea(
            user, data.get("title"), data.get("body"), accept=data.get("accept_terms") is True
        )
    except IdeaError as error:
        refuse(error)
    db.session.commit()
    return jsonify(idea_json(idea)), 201


@endpoint(
    bp,
    "/ideas/<int:idea_id>/vote",
    "POST",
    "Vote for an idea (once per person; a second vote is a 409)",
    tags=["ideas"],
    response=VOTE,
)
def idea_vote(idea_id: int) -> Any:
    user = require_user()
    idea = _idea(idea_id)
    try:
        votes = service.cast_vote(idea, user)
    except IdeaError as error:
        refuse(error)
    db.session.commit()
    return jsonify({"id": idea.id, "votes": votes, "voted": True})


@endpoint(
    bp,
    "/ideas/<int:idea_id>/vote",
    "DELETE",
    "Withdraw your vote for an idea",
    tags=["ideas"],
    response=VOTE,
)
def idea_unvote(idea_id: int) -> Any:
    user = require_user()
    idea = _idea(idea_id)
    try:
        votes = service.withdraw_vote(idea, user)
    except IdeaError as error:
        refuse(error)
    db.session.commit()
    return jsonify({"id": idea.id, "votes": votes, "voted": False})


@endpoint(
    bp,
    "/ideas/<int:idea_id>",
    "PATCH",
    "Set an idea's status with a public note (product managers); voters are mailed",
    tags=["ideas"],
    request=obj(["status"], status=STATUS, note=STRING, release=STRING),
    response=IDEA,
)
def idea_set_status(idea_id: int) -> Any:
    user = require_user()
    idea = _idea(idea_id)
    data = json_body()
    if "status" not in data:
        fail(422, "'status' is required.", "invalid")
    try:
        service.set_status(
            idea, user, data.get("status"), data.get("note", ""), data.get("release")
        )
    except IdeaError as error:
        refuse(error)
    db.session.commit()
    return jsonify(idea_json(idea))
