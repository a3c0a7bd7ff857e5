"""Solved threads are found by the one search (type "topic"); hidden or unsolved ones are not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal import search
from portal.extensions import db
from portal.forums import moderation, service
from portal.forums.indexing import all_topic_keys, load_topics
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _close_searchers() -> Iterator[None]:
    yield
    search.close_all()


def _topic_hits(query: str) -> list[search.SearchHit]:
    return [hit for hit in search.search(query).items if hit.type == "topic"]


def test_an_unsolved_thread_is_not_a_search_document(topic_with_reply) -> None:
    topic, _ = topic_with_reply
    assert load_topics([str(topic.id)]) == []
    assert list(all_topic_keys()) == []


def test_marking_the_answer_makes_the_thread_searchable(topic_with_reply, asker) -> None:
    topic, post = topic_with_reply
    service.mark_solved(topic, post, asker)
    db.session.commit()
    search.catch_up()
    hits = _topic_hits("repair repository")
    assert [hit.key for hit in hits] == [str(topic.id)]
    assert hits[0].url == f"/forums/topics/{topic.id}"
    assert hits[0].type_label == "Forum thread"


def test_hiding_a_solved_thread_drops_it_from_search(topic_with_reply, asker, moderator_user):
    topic, post = topic_with_reply
    service.mark_solved(topic, post, asker)
    db.session.commit()
    search.catch_up()
    moderation.moderate_topic(topic, moderator_user, "hide", "Off topic")
    db.session.commit()
    search.catch_up()
    assert _topic_hits("repair repository") == []


def test_editing_the_answer_updates_the_index(topic_with_reply, asker, helper_user) -> None:
    topic, post = topic_with_reply
    service.mark_solved(topic, post, asker)
    db.session.commit()
    search.catch_up()
    service.edit_post(post, helper_user, "Reattach the multipath device instead.")
    db.session.commit()
    search.catch_up()
    assert _topic_hits("multipath")
    assert _topic_hits("repair") == []


def test_the_api_search_labels_solved_threads_as_topics(client, auth, topic_with_reply) -> None:
    topic, post = topic_with_reply
    auth.login("asker@example.com", PASSWORD)
    client.post(f"/forums/topics/{topic.id}/solution", data={"post_id": post.id})
    search.catch_up()
    body = client.get("/api/v1/kb/search?q=repair&type=topic").get_json()
    assert [r["type"] for r in body["results"]] == ["topic"]
    assert body["results"][0]["url"].endswith(f"/forums/topics/{topic.id}")


def test_solved_threads_show_in_the_case_filing_deflection_panel(topic_with_reply, asker):
    from portal.cases.deflection import suggestions_for

    topic, post = topic_with_reply
    service.mark_solved(topic, post, asker)
    db.session.commit()
    search.catch_up()
    hits = suggestions_for("SR detached after reboot", "the storage repository is detached")
    assert any(hit.type == "topic" and hit.key == str(topic.id) for hit in hits)
