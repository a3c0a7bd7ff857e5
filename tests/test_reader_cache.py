"""Public pages are rendered once for every anonymous reader (portal/reader_cache.py): each
reader still gets their own CSRF token, a change shows at once, and whoever the portal knows
something about gets a page of their own."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.kb import service as kb
from portal.kb.service import FIELDS
from portal.models import Article, Role, SearchLog
from tests.conftest import PASSWORD, count_statements, make_case, make_user
from tests.kb.conftest import make_article

TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def _selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_a_second_anonymous_reading_is_served_without_reading_the_database(client, app):
    make_article(slug="guest-vlans", title="Guest VLANs on a pool")
    first = client.get("/kb/guest-vlans")
    with count_statements() as statements:
        second = client.get("/kb/guest-vlans")
    assert second.status_code == 200 and "Guest VLANs on a pool" in second.get_data(as_text=True)
    assert _selects(statements) == []
    assert TOKEN.sub("", first.get_data(as_text=True)) == TOKEN.sub(
        "", second.get_data(as_text=True)
    )


def test_every_reading_is_counted_whether_rendered_or_kept(client, app):
    make_article(slug="guest-vlans")
    for _ in range(3):
        assert client.get("/kb/guest-vlans").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Article.view_count)) == 3


def test_an_edit_shows_to_the_next_anonymous_reader(client, app):
    article = make_article(slug="guest-vlans", title="Guest VLANs on a pool")
    assert "Guest VLANs on a pool" in client.get("/kb/guest-vlans").get_data(as_text=True)
    kb.save_article(article, {**_fields(article), "title": "Guest VLANs, revised"}, None)
    db.session.commit()
    page = client.get("/kb/guest-vlans").get_data(as_text=True)
    assert "Guest VLANs, revised" in page and "Guest VLANs on a pool" not in page
    kb.set_status(article, "draft", None)
    db.session.commit()
    assert client.get("/kb/guest-vlans").status_code == 404


def test_changes_no_reader_sees_keep_the_pages(client, app, base_contact, northwind):
    make_article(slug="guest-vlans")
    client.get("/kb/guest-vlans")
    make_case(base_contact, northwind)  # a customer files a case: nothing public changed
    db.session.commit()
    with count_statements() as statements:
        assert client.get("/kb/guest-vlans").status_code == 200
    assert _selects(statements) == []


def test_a_logged_in_reader_gets_their_own_page_and_never_the_shared_one(client, app, auth):
    make_article(slug="guest-vlans")
    make_user("reader@example.com", Role.EVALUATION, name="Rita Reader")
    assert "Rita Reader" not in client.get("/kb/guest-vlans").get_data(as_text=True)
    auth.login("reader@example.com", PASSWORD)
    assert "Rita Reader" in client.get("/kb/guest-vlans").get_data(as_text=True)
    auth.logout()
    assert "Rita Reader" not in client.get("/kb/guest-vlans").get_data(as_text=True)


def test_a_reader_with_a_message_waiting_sees_it(client, app):
    make_article(slug="guest-vlans")
    client.get("/kb/guest-vlans")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Thank you for your feedback.")]
    assert "Thank you for your feedback." in client.get("/kb/guest-vlans").get_data(as_text=True)


OPEN_LINK = re.compile(r"/kb/open/([0-9a-f]+)\?to=/kb/guest-vlans")


def test_a_kept_search_page_is_logged_for_each_reader_with_links_of_their_own(app):
    make_article(slug="guest-vlans", title="Guest VLANs on a pool")
    first, second = app.test_client(), app.test_client()
    first_key = OPEN_LINK.search(first.get("/kb/?q=vlan").get_data(as_text=True)).group(1)
    with count_statements() as statements:
        page = second.get("/kb/?q=vlan").get_data(as_text=True)
    assert "Guest VLANs on a pool" in page and _selects(statements) == []
    second_key = OPEN_LINK.search(page).group(1)
    assert second_key != first_key
    db.session.expire_all()
    rows = db.session.scalars(select(SearchLog).order_by(SearchLog.id)).all()
    assert [(row.key, row.query) for row in rows] == [(first_key, "vlan"), (second_key, "vlan")]
    # Each reader's link marks their own search, and nobody else's.
    second.get(f"/kb/open/{first_key}?to=/kb/guest-vlans")
    second.get(f"/kb/open/{second_key}?to=/kb/guest-vlans")
    db.session.expire_all()
    assert [row.opened_path for row in rows] == [None, "/kb/guest-vlans"]


def test_a_kept_search_page_shows_an_article_published_since(client, app):
    assert "Guest VLANs on a pool" not in client.get("/kb/?q=vlan").get_data(as_text=True)
    make_article(slug="guest-vlans", title="Guest VLANs on a pool")
    assert "Guest VLANs on a pool" in client.get("/kb/?q=vlan").get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True, "SERVER_NAME": None}])
def test_each_reader_gets_a_token_of_their_own_that_their_forms_accept(app):
    make_article(slug="guest-vlans")
    tokens = []
    for _ in range(2):
        reader = app.test_client()
        page = reader.get("/kb/guest-vlans").get_data(as_text=True)
        token = TOKEN.search(page).group(1)
        assert "reader-cache-csrf" not in page
        assert f'name="csrf_token" value="{token}"' in page
        rated = reader.post("/kb/guest-vlans/rating", data={"helpful": "yes", "csrf_token": token})
        assert rated.status_code == 302
        tokens.append(token)
    assert tokens[0] != tokens[1]


@pytest.mark.parametrize("app_config", [{"READER_CACHE_SECONDS": 0.2}])
def test_a_kept_page_is_rendered_again_after_its_time(client, app):
    make_article(slug="guest-vlans")
    client.get("/kb/guest-vlans")
    time.sleep(0.3)
    with count_statements() as statements:
        client.get("/kb/guest-vlans")
    assert _selects(statements)


@pytest.mark.parametrize("app_config", [{"READER_CACHE_SECONDS": 0}])
def test_the_cache_can_be_turned_off(client, app):
    make_article(slug="guest-vlans")
    client.get("/kb/guest-vlans")
    with count_statements() as statements:
        client.get("/kb/guest-vlans")
    assert _selects(statements)


def _fields(article: Article) -> dict[str, object]:
    return {name: getattr(article, name) for name in FIELDS}


def test_the_product_list_is_read_once_and_follows_every_change(client, app):
    from portal.products import service as products

    before = products.product_names()
    with count_statements() as statements:
        assert products.product_names() == before
    assert statements == []
    products.create_product("CloudDesk")  # not yet committed: this session sees it
    assert "CloudDesk" in products.product_names()
    db.session.commit()
    assert "CloudDesk" in products.product_names()
    page = client.get("/kb/").get_data(as_text=True)
    assert "CloudDesk" in page
