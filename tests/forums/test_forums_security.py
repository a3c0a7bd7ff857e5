"""Hostile Markdown posted as topics and replies never reaches a page as live markup."""

from __future__ import annotations

from portal.extensions import db
from portal.forums import service
from tests.conftest import PASSWORD
from tests.forums.hostile_markdown import HOSTILE, page_problems, problems_in


def test_the_checker_itself_catches_live_markup() -> None:
    bodies, problems = problems_in(
        '<div class="markdown-body"><p>x</p><img src=x onerror=alert(1)>'
        '<a href="JaVa\tscript:alert(1)">a</a><script>1</script></div>'
    )
    assert bodies == 1 and len(problems) == 3


def test_hostile_replies_are_rendered_harmless(client, auth, topic_with_reply) -> None:
    topic, _ = topic_with_reply
    auth.login("helper@example.com", PASSWORD)
    for payload in HOSTILE:
        response = client.post(f"/forums/topics/{topic.id}/reply", data={"body": payload})
        assert response.status_code == 302, payload
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        bodies, problems = problems_in(html)
        assert bodies >= 2 and problems == [], payload
    assert service.topic_posts(topic, None).total == len(HOSTILE) + 2


def test_hostile_titles_and_bodies_in_new_topics_and_previews(client, auth, storage, asker):
    auth.login("asker@example.com", PASSWORD)
    for number, payload in enumerate(HOSTILE):
        title = f"{number} {payload}"[:200]
        response = client.post("/forums/storage/new", data={"title": title, "body": payload})
        assert response.status_code == 302, payload
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert problems_in(html)[1] == [] and page_problems(html) == [], payload
        preview = client.post("/forums/preview", data={"body": payload}).get_data(as_text=True)
        wrapped = f'<div class="markdown-body">{preview}</div>'
        assert problems_in(wrapped)[1] == [], payload
    listing = client.get("/forums/storage/").get_data(as_text=True)
    assert page_problems(listing) == []
    assert db.session.query(service.Topic).count() == len(HOSTILE)


def test_hostile_ideas_are_rendered_harmless(client, auth, asker) -> None:
    auth.login("asker@example.com", PASSWORD)
    for number, payload in enumerate(HOSTILE[:12]):
        response = client.post(
            "/ideas/new",
            data={"title": f"{number} {payload}"[:200], "body": payload, "accept_terms": "yes"},
        )
        assert response.status_code == 302
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert problems_in(html)[1] == [], payload
