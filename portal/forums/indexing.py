"""Forum threads in the one search index, as documents of type "topic".

Every visible topic is a document: its title, then the text of its visible posts (the
question, the accepted answer, then the other replies). A solved thread, one whose accepted
answer is visible, is tagged "solved" (the results mark it) and boosted, so it ranks above
an unsolved thread about the same thing. A hidden post is never part of a document, so its
words are neither found nor shown in an excerpt. Any change that could alter a document
records a change; `load_topics` decides what is (still) findable, so hiding needs no
special case.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.links import public_path
from portal.models import Post, Topic
from portal.products.service import product_names
from portal.search import SearchDocument, record_change, register_source

DOC_TYPE = "topic"
SOLVED_TAG = "solved"
# Index-time weight of a solved thread's words: enough to lift it above an unsolved thread
# that matches as well, not enough to lift a poor match above a good one.
SOLVED_BOOST = 1.5
MAX_POSTS = 200  # a thread's first posts make its document; the rest add little to finding it
MAX_BODY_CHARS = 100_000


def _findable():  # noqa: ANN202 - a Select
    return select(Topic).where(Topic.hidden.is_(False))


def _thread_text(posts: list[Post], answer_id: int | None) -> str:
    """The visible posts' text: the question first, then the accepted answer, then the rest."""
    ordered = posts[:1] + [p for p in posts[1:] if p.id == answer_id]
    ordered += [p for p in posts[1:] if p.id != answer_id]
    text = "\n\n".join(p.body for p in ordered if not p.hidden)
    return text[:MAX_BODY_CHARS]


def load_topics(keys: list[str]) -> list[SearchDocument]:
    ids = [int(k) for k in keys if k.isdigit()]
    if not ids:
        return []
    topics = list(
        db.session.scalars(_findable().where(Topic.id.in_(ids)).options(joinedload(Topic.category)))
    )
    if not topics:
        return []
    posts_by_topic: dict[int, list[Post]] = {t.id: [] for t in topics}
    for post in db.session.scalars(
        select(Post)
        .where(Post.topic_id.in_(list(posts_by_topic)))
        .order_by(Post.topic_id, Post.created_at, Post.id)
    ):
        thread = posts_by_topic[post.topic_id]
        if len(thread) < MAX_POSTS:
            thread.append(post)
    products = set(product_names(include_retired=True))
    documents = []
    for topic in topics:
        posts = posts_by_topic[topic.id]
        answer = next((p for p in posts if p.id == topic.solved_post_id), None)
        solved = answer is not None and not answer.hidden
        replies = sum(1 for p in posts[1:] if not p.hidden)
        summary = (
            f"Solved in {topic.category.name}"
            if solved
            else f"{topic.category.name} · {replies} repl{'y' if replies == 1 else 'ies'}"
        )
        tags = (topic.category.slug, SOLVED_TAG) if solved else (topic.category.slug,)
        documents.append(
            SearchDocument(
                type=DOC_TYPE,
                key=str(topic.id),
                title=topic.title,
                url=public_path("forums.topic", topic_id=topic.id),  # jobs build it: no request
                summary=summary,
                body=_thread_text(posts, topic.solved_post_id),
                tags=tags,
                product=topic.category.name if topic.category.name in products else "",
                boost=SOLVED_BOOST if solved else 1.0,
            )
        )
    return documents


def all_topic_keys() -> Iterable[str]:
    return [str(i) for i in db.session.scalars(_findable().with_only_columns(Topic.id))]


def topic_changed(topic: Topic) -> None:
    record_change(DOC_TYPE, str(topic.id), "upsert")


def post_changed(post: Post) -> None:
    """A new, edited, hidden or unhidden post changes its thread's document."""
    record_change(DOC_TYPE, str(post.topic_id), "upsert")


register_source(DOC_TYPE, load_topics, all_topic_keys)
