"""After "did this help? no", the reader says what was missing; the writers get it by mail
and staff see it on the article."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.kb import service
from portal.models import ArticleFeedback, OutgoingMail, Role
from tests.conftest import make_user
from tests.kb.conftest import make_article

HX = {"HX-Request": "true"}


def _article_with_writers():
    author = make_user("author@example.com", Role.KB_ENGINEER, name="Ada Author")
    editor = make_user("editor@example.com", Role.KB_ENGINEER, name="Eddie Editor")
    article = make_article()
    article.author = author
    service.save_article(
        article, {**{f: getattr(article, f) for f in service.FIELDS}, "summary": "New."}, editor
    )
    db.session.commit()
    return article


def test_no_asks_what_was_missing_and_the_writers_are_mailed(client, app):
    article = _article_with_writers()
    html = client.post(f"/kb/{article.slug}/rating", data={"helpful": "no"}, headers=HX).get_data(
        as_text=True
    )
    assert "What was missing?" in html and 'name="missing"' in html
    response = client.post(
        f"/kb/{article.slug}/missing",
        data={"missing": "  How to do it\x07 on 5.0 <script>alert(1)</script>\n\n\n\nThanks "},
        headers=HX,
    )
    assert response.status_code == 200 and "writers will read" in response.get_data(as_text=True)
    note = db.session.scalar(select(ArticleFeedback))
    assert note.text == "How to do it on 5.0 <script>alert(1)</script>\n\nThanks"
    mails = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.recipient)).all()
    assert [m.recipient for m in mails] == ["author@example.com", "editor@example.com"]
    assert "How to do it on 5.0" in mails[0].text_body and article.title in mails[0].subject


def test_staff_see_the_notes_escaped_on_the_article(client, auth, app):
    article = _article_with_writers()
    client.post(f"/kb/{article.slug}/rating", data={"helpful": "no"})
    client.post(f"/kb/{article.slug}/missing", data={"missing": "<b>steps</b> for 5.0"})
    auth.login("author@example.com")
    html = client.get(f"/kb/{article.slug}").get_data(as_text=True)
    assert "What readers said was missing" in html and "&lt;b&gt;steps&lt;/b&gt; for 5.0" in html


def test_readers_do_not_see_others_notes(client, app):
    article = _article_with_writers()
    client.post(f"/kb/{article.slug}/rating", data={"helpful": "no"})
    client.post(f"/kb/{article.slug}/missing", data={"missing": "secret note"})
    assert "secret note" not in app.test_client().get(f"/kb/{article.slug}").get_data(as_text=True)


def test_a_note_needs_a_no_first_and_is_taken_once(client, app):
    article = _article_with_writers()
    assert client.post(f"/kb/{article.slug}/missing", data={"missing": "x"}).status_code == 409
    client.post(f"/kb/{article.slug}/rating", data={"helpful": "no"})
    assert client.post(f"/kb/{article.slug}/missing", data={"missing": "first"}).status_code == 303
    assert client.post(f"/kb/{article.slug}/missing", data={"missing": "again"}).status_code == 409
    assert db.session.scalars(select(ArticleFeedback.text)).all() == ["first"]


def test_a_yes_is_not_asked_what_was_missing(client, app):
    article = _article_with_writers()
    html = client.post(f"/kb/{article.slug}/rating", data={"helpful": "yes"}, headers=HX).get_data(
        as_text=True
    )
    assert 'name="missing"' not in html
    assert client.post(f"/kb/{article.slug}/missing", data={"missing": "x"}).status_code == 409


def test_empty_or_overlong_text_is_refused_keeping_what_was_typed(client, app):
    article = _article_with_writers()
    client.post(f"/kb/{article.slug}/rating", data={"helpful": "no"})
    empty = client.post(f"/kb/{article.slug}/missing", data={"missing": " \n "}, headers=HX)
    assert empty.status_code == 422 and empty.headers["HX-Reswap-Errors"] == "true"
    long = "word " * 300
    page = client.post(f"/kb/{article.slug}/missing", data={"missing": long})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "under 1,000 characters" in html and "word word" in html and "<html" in html
    assert db.session.scalar(select(ArticleFeedback)) is None
