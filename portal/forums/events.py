"""What follows a forum change: watching, watchers' mail and the search index.

The service calls these after each write, inside the same transaction.
"""

from __future__ import annotations

from portal.forums import indexing, watching
from portal.models import Post, Topic, User


def topic_created(topic: Topic, author: User) -> None:
    watching.watch(topic, author)
    indexing.topic_changed(topic)  # every thread is searchable, answered or not


def reply_added(topic: Topic, post: Post) -> None:
    watching.watch(topic, post.author)
    watching.announce_reply(post)
    indexing.post_changed(post)


def post_changed(post: Post) -> None:
    indexing.post_changed(post)


def topic_changed(topic: Topic) -> None:
    indexing.topic_changed(topic)
