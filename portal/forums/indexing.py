"""Solved forum threads in the one search index, as documents of type "topic".

Only a visible topic with a visible accepted answer is a document: the question (first
post) and its answer. Any change that could alter that records a change; `load` decides
whether the topic is (still) findable, so hiding or un-solving needs no special case.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.links import public_path
from portal.models import Post, Topic
from portal.products.service import product_names
from portal.search import SearchDocument, record_change, register_source

DOC_TYPE = "topic"


def _findable():  # noqa: ANN202 - a Select
    return (
        select(Topic)
        .join(Post, Post.id == Topic.solved_post_id)
        .where(Topic.hidden.is_(False), Post.hidden.is_(False))
    )


def load_topics(keys: list[str]) -> list[SearchDocument]:
    ids = [int(k) for k in keys if k.isdigit()]
    if not ids:
        return []
    topics = list(
        db.session.scalars(_findable().where(Topic.id.in_(ids)).options(joinedload(Topic.category)))
    )
    if not topics:
        return []
    topic_ids = [t.id for t in topics]
    # The question is each topic's earliest post; the answer is its solved post.
    first_ids = set(
        db.session.scalars(
            select(func.min(Post.id)).where(Post.topic_id.in_(topic_ids)).group_by(Post.topic_id)
        )
    )
    wanted = first_ids | {t.solved_post_id for t in topics}
    posts = {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(wanted)))}
    questions = {posts[i].topic_id: posts[i] for i in first_ids if i in posts}
    products = set(product_names(include_retired=True))
    documents = []
    for topic in topics:
        question = questions.get(topic.id)
        answer = posts.get(topic.solved_post_id or 0)
        question_text = question.body if question is not None else ""
        answer_text = answer.body if answer is not None else ""
        documents.append(
            SearchDocument(
                type=DOC_TYPE,
                key=str(topic.id),
                title=topic.title,
                url=public_path("forums.topic", topic_id=topic.id),  # jobs build it: no request
                summary=f"Solved in {topic.category.name}",
                body=f"{question_text}\n\n{answer_text}",
                tags=(topic.category.slug,),
                product=topic.category.name if topic.category.name in products else "",
            )
        )
    return documents


def all_topic_keys() -> Iterable[str]:
    return [str(i) for i in db.session.scalars(_findable().with_only_columns(Topic.id))]


def topic_changed(topic: Topic) -> None:
    record_change(DOC_TYPE, str(topic.id), "upsert")


def post_changed(post: Post) -> None:
    """An edit matters to search when the post is the question or the accepted answer."""
    topic = post.topic
    if topic.solved_post_id is None:
        return
    record_change(DOC_TYPE, str(topic.id), "upsert")


register_source(DOC_TYPE, load_topics, all_topic_keys)
