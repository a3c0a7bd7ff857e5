"""Forums in the JSON API: categories, new topics and replies, marking the answer."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app, jsonify, request, url_for

from portal.api import bp
from portal.api.helpers import bearer_user, fail, json_body, require_user
from portal.api.spec import (
    BOOLEAN,
    DATETIME,
    INTEGER,
    STRING,
    endpoint,
    list_of,
    nullable,
    obj,
)
from portal.extensions import client_address, limiter
from portal.forums import service
from portal.search import apply_now
from portal.transactions import after_commit

CATEGORY = obj(
    ["slug", "name", "topics", "url"],
    slug=STRING,
    name=STRING,
    description=STRING,
    topics=INTEGER,
    last_activity_at=nullable(DATETIME),
    url=STRING,
)
CREATED = obj(["id", "url"], id=INTEGER, url=STRING)


def api_poster_key() -> str:
    """Rate-limit per token holder; the digest keeps the token itself out of the limiter store."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api:" + hashlib.sha256(header.encode()).hexdigest()
    return client_address()


api_post_limit = limiter.limit(
    lambda: current_app.config.get("FORUM_POST_LIMIT", "10 per minute"),
    key_func=api_poster_key,
    error_message="You are posting faster than the forums allow. Wait a minute, then try again.",
)


@endpoint(
    bp,
    "/forums",
    "GET",
    "Forum categories with their number of topics and last activity",
    auth="optional",
    tags=["forums"],
    response=list_of(CATEGORY),
)
def forum_categories() -> Any:
    viewer = bearer_user()
    summaries = service.categories_overview(viewer)
    results = [
        {
            "slug": s.category.slug,
            "name": s.category.name,
            "description": s.category.description,
            "topics": s.topic_count,
            "last_activity_at": s.last_activity_at.isoformat() if s.last_activity_at else None,
            "url": url_for("forums.category", slug=s.category.slug),
        }
        for s in summaries
    ]
    return jsonify({"results": results, "total": len(results)})


@endpoint(
    bp,
    "/forums/<slug>/topics",
    "POST",
    "Start a topic in a category (Markdown body, at most 100 KB); a first topic in "
    "feature-requests needs accept_terms: true (the terms on suggestions)",
    tags=["forums"],
    request=obj(["title", "body"], title=STRING, body=STRING, accept_terms=BOOLEAN),
    response=CREATED,
    status=201,
)
@api_post_limit
def forum_create_topic(slug: str) -> Any:
    user = require_user()
    category = service.find_category(slug)
    if category is None:
        fail(404, f"There is no forum category '{slug[:80]}'.", "not_found")
    data = json_body()
    topic = service.create_topic(
        category,
        user,
        data.get("title"),
        data.get("body"),
        accept_terms=data.get("accept_terms") is True,
    )
    return jsonify({"id": topic.id, "url": url_for("forums.topic", topic_id=topic.id)}), 201


def _topic(topic_id: int, viewer: Any) -> Any:
    topic = service.visible_topic(topic_id, viewer)
    if topic is None:
        fail(404, f"There is no topic {topic_id}.", "not_found")
    return topic


@endpoint(
    bp,
    "/topics/<int:topic_id>/posts",
    "POST",
    "Reply to a topic (refused while the topic is locked)",
    tags=["forums"],
    request=obj(["body"], body=STRING),
    response=CREATED,
    status=201,
)
@api_post_limit
def forum_reply(topic_id: int) -> Any:
    user = require_user()
    topic = _topic(topic_id, user)
    data = json_body()
    post = service.reply(topic, user, data.get("body"))
    url = url_for(
        "forums.topic",
        topic_id=topic.id,
        page=service.page_of_post(post),
        _anchor=f"post-{post.id}",
    )
    return jsonify({"id": post.id, "url": url}), 201


@endpoint(
    bp,
    "/topics/<int:topic_id>/solution",
    "POST",
    "Mark the reply that solved the topic (topic author or staff); null clears it",
    tags=["forums"],
    request=obj(["post_id"], post_id=nullable(INTEGER)),
    response=obj(
        ["id", "solved_post_id", "url"], id=INTEGER, solved_post_id=nullable(INTEGER), url=STRING
    ),
)
def forum_mark_solution(topic_id: int) -> Any:
    user = require_user()
    topic = _topic(topic_id, user)
    data = json_body()
    if "post_id" not in data:
        fail(422, "'post_id' is required (null to clear the answer).", "invalid")
    post_id = data["post_id"]
    post = None
    if post_id is not None:
        if not isinstance(post_id, int) or isinstance(post_id, bool):
            fail(422, "'post_id' must be the number of a reply in this topic.", "invalid")
        post = service.find_post(post_id, user)
        if post is None:
            fail(404, f"There is no post {post_id}.", "not_found")
    service.mark_solved(topic, post, user)
    after_commit(apply_now)
    return jsonify(
        {
            "id": topic.id,
            "solved_post_id": topic.solved_post_id,
            "url": url_for("forums.topic", topic_id=topic.id),
        }
    )
