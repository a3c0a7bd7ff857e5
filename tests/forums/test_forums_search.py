"""Every visible forum thread is found by the one search (type "topic"); solved ones rank higher
and are marked; a hidden post is never indexed, shown in an excerpt, or edited back into view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal import search
from portal.domain_error import DomainError
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


def test_an_unsolved_thread_is_searchable_too(topic_with_reply) -> None:
    topic, _ = topic_with_reply
    search.catch_up()
    [document] = load_topics([str(topic.id)])
    assert "solved" not in document.tags and document.boost == 1.0
    assert document.summary == "Storage · 1 reply"
    assert list(all_topic_keys()) == [str(topic.id)]
    assert [hit.key for hit in _topic_hits("repair repository")] == [str(topic.id)]


def test_a_solved_thread_ranks_above_an_unsolved_one_and_is_marked(
    client, storage, asker, helper_user
) -> None:
    unsolved = service.create_topic(storage, asker, "Repository detached", "It is detached.")
    service.reply(unsolved, helper_user, "Use Repair on the repository.")
    solved = service.create_topic(storage, asker, "Repository detached", "It is detached.")
    answer = service.reply(solved, helper_user, "Use Repair on the repository.")
    service.mark_solved(solved, answer, asker)
    db.session.commit()
    search.catch_up()
    hits = _topic_hits("repository detached repair")
    assert [hit.key for hit in hits] == [str(solved.id), str(unsolved.id)]
    assert hits[0].score > hits[1].score
    page = client.get("/kb/?q=repository+detached+repair").get_data(as_text=True)
    assert page.count('<span class="badge badge-success">Solved</span>') == 1
    found = client.get("/api/v1/kb/search?q=repository+detached+repair&type=topic").get_json()
    assert [(hit["slug"], hit["solved"]) for hit in found["results"]] == [
        (str(solved.id), True),
        (str(unsolved.id), False),
    ]


def test_a_hidden_post_is_never_indexed_nor_in_an_excerpt(
    client, topic_with_reply, helper_user, moderator_user
) -> None:
    topic, _ = topic_with_reply
    spam = service.reply(topic, helper_user, "Buy zanzibarpills at example.biz")
    db.session.commit()
    search.catch_up()
    assert _topic_hits("zanzibarpills")
    moderation.hide_post(spam, moderator_user, "Advertising")
    db.session.commit()
    search.catch_up()
    assert _topic_hits("zanzibarpills") == []
    hits = _topic_hits("repair repository")
    assert hits and "zanzibarpills" not in str(hits[0].excerpt)
    assert "zanzibarpills" not in client.get("/kb/?q=detached").get_data(as_text=True)
    assert "zanzibarpills" not in load_topics([str(topic.id)])[0].body

    moderation.unhide_post(spam, moderator_user)
    db.session.commit()
    search.catch_up()
    assert _topic_hits("zanzibarpills")


def test_a_hidden_question_leaves_the_thread_findable_by_title_only(
    topic_with_reply, moderator_user
) -> None:
    topic, _ = topic_with_reply
    question = service.first_post(topic)
    moderation.hide_post(question, moderator_user, "Personal data")
    db.session.commit()
    search.catch_up()
    assert "It is detached." not in load_topics([str(topic.id)])[0].body
    assert [hit.key for hit in _topic_hits("reboot")] == [str(topic.id)]  # the title


def test_hiding_the_accepted_answer_unmarks_the_thread(topic_with_reply, asker, moderator_user):
    topic, post = topic_with_reply
    service.mark_solved(topic, post, asker)
    db.session.commit()
    search.catch_up()
    assert "solved" in _topic_hits("detached")[0].tags
    moderation.hide_post(post, moderator_user, "Wrong advice")
    db.session.commit()
    search.catch_up()
    [hit] = _topic_hits("detached")
    assert "solved" not in hit.tags and "Repair" not in str(hit.excerpt)


def test_the_author_cannot_edit_a_hidden_post_back_into_view(
    client, auth, topic_with_reply, helper_user, moderator_user
) -> None:
    topic, post = topic_with_reply
    moderation.hide_post(post, moderator_user, "Unsafe advice")
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        service.edit_post(post, helper_user, "Harmless text now, please unhide")
    assert refused.value.status == 403 and "moderator hid this post" in str(refused.value)
    auth.login("helper@example.com", PASSWORD)
    assert client.get(f"/forums/posts/{post.id}/edit").status_code == 403
    response = client.post(f"/forums/posts/{post.id}/edit", data={"body": "Harmless now"})
    assert response.status_code == 403
    db.session.expire_all()
    assert post.body == "Use **Repair** on the repository." and post.hidden
    page = client.get(f"/forums/topics/{topic.id}").get_data(as_text=True)
    assert f"/forums/posts/{post.id}/edit" not in page
    assert "Use <strong>Repair</strong>" not in page


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
