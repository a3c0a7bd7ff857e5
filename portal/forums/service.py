"""Reading and writing the forums: who sees which topics, posting, editing, solved answers.

Services flush, never commit; the view, API call or CLI command commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forums import events
from portal.forums import suggestion_terms as terms
from portal.models import Category, Post, PostRevision, Topic, User
from portal.models.types import MAX_ID, utcnow
from portal.pagination import Page, page_count, paginate

MAX_BODY_BYTES = 100 * 1024
SUGGESTIONS_CATEGORY = "feature-requests"  # its posts are suggestions: the terms apply
MAX_TITLE = 200
TOPICS_PER_PAGE = 25
POSTS_PER_PAGE = 20


@dataclass(frozen=True)
class CategorySummary:
    category: Category
    topic_count: int
    last_activity_at: datetime | None


# --- reading -------------------------------------------------------------------------------


def _visible_topics(viewer: Any) -> Select[Any]:
    """Topics the viewer may see: moderators see hidden ones too."""
    query = select(Topic)
    if not entitlement.can_moderate(viewer):
        query = query.where(Topic.hidden.is_(False))
    return query


def categories_overview(viewer: Any) -> list[CategorySummary]:
    """Every category with its number of topics and last activity, in two statements."""
    categories = list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
    counts = (
        _visible_topics(viewer)
        .with_only_columns(
            Topic.category_id, func.count(Topic.id), func.max(Topic.last_activity_at)
        )
        .group_by(Topic.category_id)
    )
    stats = {row[0]: (row[1], row[2]) for row in db.session.execute(counts)}
    return [CategorySummary(c, *stats.get(c.id, (0, None))) for c in categories]


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def find_category(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


def category_topics(category: Category, viewer: Any, page: int = 1) -> Page[Topic]:
    """One page of a category's topics: pinned first, then by last activity."""
    query = (
        _visible_topics(viewer)
        .where(Topic.category_id == category.id)
        .options(joinedload(Topic.author))
        .order_by(Topic.pinned.desc(), Topic.last_activity_at.desc(), Topic.id.desc())
    )
    return paginate(query, page, TOPICS_PER_PAGE)


def visible_topic(topic_id: int, viewer: Any) -> Topic | None:
    """The topic if the viewer may see it; a hidden topic is a 404 for everyone but staff."""
    return db.session.scalar(
        _visible_topics(viewer).where(Topic.id == topic_id).options(joinedload(Topic.category))
    )


def topic_posts(topic: Topic, viewer: Any, page: int = 1) -> Page[Post]:
    """One page of a topic's posts, oldest first; hidden posts come back with their flag set
    so the page can show a placeholder (and moderators the text)."""
    query = (
        select(Post)
        .where(Post.topic_id == topic.id)
        .options(joinedload(Post.author))
        .order_by(Post.created_at, Post.id)
    )
    return paginate(query, page, POSTS_PER_PAGE)


def last_page(topic: Topic) -> int:
    count = db.session.scalar(select(func.count(Post.id)).where(Post.topic_id == topic.id)) or 0
    return page_count(count, POSTS_PER_PAGE)


def page_of_post(post: Post) -> int:
    before = db.session.scalar(
        select(func.count(Post.id)).where(Post.topic_id == post.topic_id, Post.id < post.id)
    )
    return (before or 0) // POSTS_PER_PAGE + 1


def first_post(topic: Topic) -> Post | None:
    return db.session.scalar(
        select(Post).where(Post.topic_id == topic.id).order_by(Post.created_at, Post.id).limit(1)
    )


def find_post(post_id: int, viewer: Any) -> Post | None:
    """A post in a topic the viewer may see."""
    if not 0 < post_id <= MAX_ID:
        return None  # no row has that id, and the database driver could not even bind it
    post = db.session.scalar(
        select(Post).where(Post.id == post_id).options(selectinload(Post.topic))
    )
    if post is None or (post.topic.hidden and not entitlement.can_moderate(viewer)):
        return None
    return post


def post_revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .options(joinedload(PostRevision.editor))
            .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        )
    )


# --- permissions as questions the templates can ask -----------------------------------------


def edit_refusal(post: Post, user: Any) -> str | None:
    """Why the user may not edit the post, or None when they may. A hidden post stays as the
    moderator left it: its author cannot edit it back into view."""
    if not (getattr(user, "is_authenticated", False) and post.author_id == user.id):
        return "Only the author of a post can edit it."
    if post.hidden:
        return (
            "A moderator hid this post, so it can no longer be edited. Reply with a new post, "
            "or ask a moderator to review it."
        )
    return None


def can_edit(post: Post, user: Any) -> bool:
    return edit_refusal(post, user) is None


def can_mark_solved(topic: Topic, user: Any) -> bool:
    if not entitlement.can_post_in_forums(user):
        return False
    return topic.author_id == user.id or entitlement.can_moderate(user)


# --- writing -------------------------------------------------------------------------------


def clean_body(body: Any) -> str:
    """The post text, or a DomainError saying why it cannot be posted."""
    if not isinstance(body, str) or not body.strip():
        raise DomainError("Write something before posting: the message is empty.", field="body")
    if len(body.encode("utf-8")) > MAX_BODY_BYTES:
        raise DomainError(
            "That message is longer than the 100 KB a post may hold. Shorten it, or attach "
            "long logs to a support case instead.",
            status=413,
            field="body",
        )
    return body.replace("\r\n", "\n")


def clean_title(title: Any) -> str:
    if not isinstance(title, str) or not title.strip():
        raise DomainError("Give the topic a title.", field="title")
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise DomainError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    return title


def _require_poster(user: Any) -> User:
    if not entitlement.can_post_in_forums(user):
        raise DomainError("Log in to post in the forums.", status=401)
    return user


def create_topic(
    category: Category, author: Any, title: Any, body: Any, accept_terms: bool = False
) -> Topic:
    """A new topic with its first post; the author watches it from then on.

    A first topic in the suggestions category needs the terms on suggestions accepted, as a
    first idea on the ideas board does.
    """
    _require_poster(author)
    title, body = clean_title(title), clean_body(body)
    if needs_suggestion_terms(category, author):
        if accept_terms is not True:
            raise DomainError(
                "Accept the terms on suggestions before posting your first suggestion.",
                field="accept_terms",
                code="terms_not_accepted",
            )
        terms.accept_terms(author)
    now = utcnow()
    topic = Topic(
        category=category, author=author, title=title, created_at=now, last_activity_at=now
    )
    db.session.add(topic)
    db.session.flush()
    db.session.add(Post(topic_id=topic.id, author=author, body=body, created_at=now))
    db.session.flush()
    events.topic_created(topic, author)
    return topic


def needs_suggestion_terms(category: Category, user: Any) -> bool:
    return category.slug == SUGGESTIONS_CATEGORY and not terms.has_accepted_terms(user)


def reply(topic: Topic, author: Any, body: Any) -> Post:
    """Add a reply; a locked topic takes none. Watchers are told by mail."""
    _require_poster(author)
    if topic.locked:
        raise DomainError(
            "This topic is locked, so it takes no new replies. Start a new topic instead.",
            status=409,
        )
    if topic.hidden and not entitlement.can_moderate(author):
        raise DomainError("That topic is not available.", status=404)
    body = clean_body(body)
    now = utcnow()
    post = Post(topic_id=topic.id, author=author, body=body, created_at=now)
    db.session.add(post)
    topic.reply_count = Topic.reply_count + 1
    topic.last_activity_at = now
    db.session.flush()
    db.session.refresh(topic, ["reply_count"])
    events.reply_added(topic, post)
    return post


def edit_post(post: Post, editor: Any, body: Any) -> Post:
    """Authors change their own posts; the text before the edit is kept as a revision."""
    refusal = edit_refusal(post, editor)
    if refusal is not None:
        raise DomainError(refusal, status=403)
    if post.topic.locked and not entitlement.can_moderate(editor):
        raise DomainError("This topic is locked, so its posts can no longer change.", status=409)
    body = clean_body(body)
    if body == post.body:
        return post
    db.session.add(PostRevision(post_id=post.id, editor=editor, body=post.body))
    post.body = body
    post.edited_at = utcnow()
    db.session.flush()
    events.post_changed(post)
    return post


def mark_solved(topic: Topic, post: Post | None, user: Any) -> Topic:
    """Mark the reply that solved the topic (or clear it with None)."""
    if not can_mark_solved(topic, user):
        raise DomainError(
            "Only the person who asked, or support staff, can mark the answer.", status=403
        )
    if post is not None:
        if post.topic_id != topic.id:
            raise DomainError("That reply belongs to another topic.", field="post_id")
        if post.hidden:
            raise DomainError("A hidden reply cannot be the answer.", status=409)
        opener = first_post(topic)
        if opener is not None and opener.id == post.id:
            raise DomainError("Choose a reply, not the question itself, as the answer.")
    topic.solved_post_id = post.id if post is not None else None
    db.session.flush()
    events.topic_changed(topic)
    return topic
