"""Ideas in the JSON API: list and read, suggest (with the terms), edit, vote once, and set
the status (product managers)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from portal.api import bp
from portal.api.forums import api_post_limit
from portal.api.helpers import bearer_user, fail, json_body, require_user
from portal.api.spec import BOOLEAN, DATETIME, INTEGER, STRING, endpoint, list_of, nullable, obj
from portal.ideas import service
from portal.models import Idea, IdeaStatus
from portal.numbers import parse_page

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
    edited_at=nullable(DATETIME),
    status_changed_at=nullable(DATETIME),
    url=STRING,
    voted=BOOLEAN,
)
SORT = {"type": "string", "enum": list(service.SORTS)}
VOTE = obj(["id", "votes", "voted"], id=INTEGER, votes=INTEGER, voted=BOOLEAN)


def idea_json(idea: Idea, voted: bool | None = None) -> dict[str, Any]:
    """An idea as JSON; `voted` (whether the caller voted) only when the caller is known."""
    found = {
        "id": idea.id,
        "title": idea.title,
        "body": idea.body,
        "status": idea.status,
        "status_note": idea.status_note,
        "shipped_in_release": idea.shipped_in_release,
        "votes": idea.vote_count,
        "created_at": idea.created_at.isoformat(),
        "edited_at": idea.edited_at.isoformat() if idea.edited_at else None,
        "status_changed_at": idea.status_changed_at.isoformat() if idea.status_changed_at else None,
        "url": url_for("ideas.show", idea_id=idea.id),
    }
    if voted is not None:
        found["voted"] = voted
    return found


def _idea(idea_id: int) -> Idea:
    idea = service.find_idea(idea_id)
    if idea is None:
        fail(404, f"There is no idea {idea_id}.", "not_found")
    return idea


@endpoint(
    bp,
    "/ideas",
    "GET",
    "The ideas board: most votes first (sort=newest or status), optionally one status",
    auth="optional",
    tags=["ideas"],
    response=list_of(IDEA),
    query={"sort": SORT, "status": STATUS, "page": INTEGER},
)
def idea_list() -> Any:
    viewer = bearer_user()
    sort = request.args.get("sort", "votes")
    if sort not in service.SORTS:
        fail(422, f"'sort' must be one of: {', '.join(service.SORTS)}.", "invalid")
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in IdeaStatus}:
        allowed = ", ".join(s.value for s in IdeaStatus)
        fail(422, f"'status' must be one of: {allowed}.", "invalid")
    ideas = service.list_ideas(sort, status, parse_page(request.args.get("page")))
    voted = service.voted_ids(viewer, ideas.items) if viewer is not None else None
    results = [idea_json(idea, None if voted is None else idea.id in voted) for idea in ideas.items]
    return jsonify(
        {"results": results, "total": ideas.total, "page": ideas.page, "per_page": ideas.per_page}
    )


@endpoint(
    bp,
    "/ideas/<int:idea_id>",
    "GET",
    "One idea with its status, note and votes",
    auth="optional",
    tags=["ideas"],
    response=IDEA,
)
def idea_detail(idea_id: int) -> Any:
    viewer = bearer_user()
    idea = _idea(idea_id)
    voted = service.has_voted(idea, viewer) if viewer is not None else None
    return jsonify(idea_json(idea, voted))


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
    idea = service.create_idea(
        user, data.get("title"), data.get("body"), accept=data.get("accept_terms") is True
    )
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
    votes = service.cast_vote(idea, user)
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
    votes = service.withdraw_vote(idea, user)
    return jsonify({"id": idea.id, "votes": votes, "voted": False})


@endpoint(
    bp,
    "/ideas/<int:idea_id>",
    "PATCH",
    "Set an idea's status with a public note (product managers; voters are mailed), and/or "
    "change its title and body (its author while it is new, or a product manager)",
    tags=["ideas"],
    request=obj([], status=STATUS, note=STRING, release=STRING, title=STRING, body=STRING),
    response=IDEA,
)
@api_post_limit
def idea_update(idea_id: int) -> Any:
    user = require_user()
    idea = _idea(idea_id)
    data = json_body()
    if not {"status", "title", "body"} & set(data):
        fail(422, "Send 'status' (with 'note'), or 'title' and/or 'body' to change.", "invalid")
    if "title" in data or "body" in data:
        service.edit_idea(idea, user, data.get("title"), data.get("body"))
    if "status" in data:
        service.set_status(
            idea, user, data.get("status"), data.get("note", ""), data.get("release")
        )
    return jsonify(idea_json(idea, service.has_voted(idea, user)))
