"""The article and topic pages cost a fixed number of SQL statements however big they get."""

from __future__ import annotations

from portal.extensions import db
from portal.forums import service as forums
from portal.forums.seed import ensure_categories
from portal.kb import service as kb
from portal.models import Role
from tests.conftest import count_statements, make_user
from tests.kb.conftest import make_article


def test_article_page_statements_do_not_grow_with_tags_ratings_or_related_articles(
    client, app
) -> None:
    make_article(slug="small", title="Small article", tags=["nfs"])
    big = make_article(slug="big", title="Big storage article", tags=[f"t{n}" for n in range(20)])
    for number in range(15):
        make_article(slug=f"related-{number}", title=f"Storage article {number}", tags=["t1"])
        kb.rate(big, f"session:{number}", helpful=number % 2 == 0)
    db.session.commit()
    with count_statements() as few:
        assert client.get("/kb/small").status_code == 200
    with count_statements() as many:
        assert client.get("/kb/big").status_code == 200
    # One of them is the UPDATE that counts the reading.
    assert len(many) == len(few) <= 5, many


def test_topic_page_statements_do_not_grow_with_posts_or_authors(client, app) -> None:
    ensure_categories()
    category = forums.find_category("storage")
    asker = make_user("asker@example.com", Role.CUSTOMER)
    quiet = forums.create_topic(category, asker, "Quiet topic", "Nobody answered.")
    busy = forums.create_topic(category, asker, "Busy topic", "Everyone answered.")
    for number in range(15):
        helper = make_user(f"helper{number}@example.com", Role.EVALUATION, name=f"Helper {number}")
        forums.reply(busy, helper, f"Try **step {number}**.")
    db.session.commit()
    with count_statements() as few:
        assert client.get(f"/forums/topics/{quiet.id}").status_code == 200
    with count_statements() as many:
        assert client.get(f"/forums/topics/{busy.id}").status_code == 200
    assert len(many) == len(few) <= 6, many


def test_anonymous_pages_never_read_the_login_session_table(client, app) -> None:
    make_article(slug="public", title="Public article", tags=["nfs"])
    db.session.commit()
    for path in ("/", "/kb/public", "/support/", "/login"):
        with count_statements() as statements:
            assert client.get(path).status_code == 200
        assert not [s for s in statements if "login_sessions" in str(s)], (path, statements)


def test_the_support_page_lists_time_zones_with_their_offsets(client) -> None:
    page = client.get("/support/").get_data(as_text=True)
    assert "Sydney (UTC+1" in page and "Kolkata (UTC+05:30)" in page
    assert client.get("/support/").get_data(as_text=True).count("<option") == page.count("<option")
