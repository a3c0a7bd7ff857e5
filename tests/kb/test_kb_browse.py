"""/kb/ without a query: shelves by product and topic, most read, most helpful, recent
changes; each article's product, versions and review date; the view count; "for review"."""

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.kb import browse, review
from portal.kb import service as kb
from portal.models import Article
from portal.products import service as products
from tests.conftest import count_statements
from tests.kb.conftest import make_article


def _library() -> dict[str, Article]:
    return {
        "nfs": make_article(),
        "iscsi": make_article(
            slug="iscsi-sr", title="Attaching an iSCSI repository", tags=["storage", "iscsi"]
        ),
        "vlan": make_article(
            slug="guest-vlans", title="Guest VLANs", tags=["networking"], versions=["4.0"]
        ),
        "console": make_article(
            slug="console-blank",
            title="Console shows a blank screen",
            product="XenCenter",
            tags=["console"],
            versions=["5.0"],
        ),
        "draft": make_article(slug="secret-draft", title="Unfinished draft", status="draft"),
    }


def test_the_front_page_groups_published_articles_by_product_and_topic(client, app):
    _library()
    page = client.get("/kb/").get_data(as_text=True)
    assert "Browse by product and topic" in page
    assert page.index(">XenServer<") < page.index(">XenCenter<"), "the catalogue's order"
    assert "Storage" in page and "Networking" in page and "Console" in page
    assert "/kb/?product=XenServer&amp;tag=storage&amp;type=article" in page
    assert "Unfinished draft" not in page


def test_most_read_and_most_helpful_and_recent_changes(client, app):
    articles = _library()
    for _ in range(3):
        client.get("/kb/guest-vlans")
    client.get("/kb/iscsi-sr")
    kb.rate(articles["console"], "session:a", True)
    kb.rate(articles["console"], "session:b", True)
    kb.rate(articles["nfs"], "session:c", True)
    kb.rate(articles["iscsi"], "session:d", False)
    db.session.commit()
    front = browse.front_page(products.product_names())
    assert [(a.slug, a.view_count) for a in front.most_viewed] == [
        ("guest-vlans", 3),
        ("iscsi-sr", 1),
    ]
    assert [(a.slug, a.helpful) for a in front.most_helpful] == [
        ("console-blank", 2),
        ("nfs-storage-repository", 1),
    ]
    assert front.recent[0].slug == "console-blank"
    page = client.get("/kb/").get_data(as_text=True)
    assert "3 readings" in page and "2 readers said it helped" in page


def test_the_front_page_costs_the_same_statements_however_many_articles(client, app):
    make_article()
    with count_statements() as few:
        client.get("/kb/")
    for number in range(20):
        make_article(slug=f"a-{number}", title=f"Article {number}", tags=[f"t{number}"])
    with count_statements() as many:
        client.get("/kb/")
    assert len(many) == len(few)


def test_the_front_page_with_htmx_is_the_fragment_with_the_shelves(client, app):
    _library()
    response = client.get("/kb/?q=", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert "<html" not in text and "Browse by product and topic" in text


def test_a_query_or_a_filter_shows_results_not_the_shelves(client, app):
    _library()
    assert "Browse by product" not in client.get("/kb/?q=nfs").get_data(as_text=True)
    assert "Browse by product" not in client.get("/kb/?tag=storage").get_data(as_text=True)


def test_each_reading_adds_one_with_a_single_update_and_drafts_are_not_counted(
    client, app, writer, auth
):
    _library()
    with count_statements() as statements:
        client.get("/kb/guest-vlans")
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "view_count + " in updates[0]
    auth.login("writer@example.com")
    client.get("/kb/secret-draft")
    db.session.expire_all()
    counts = dict(db.session.execute(select(Article.slug, Article.view_count)).all())
    assert counts["guest-vlans"] == 1 and counts["secret-draft"] == 0


def test_the_article_shows_its_product_versions_and_last_review(client, app):
    _library()
    page = client.get("/kb/guest-vlans").get_data(as_text=True)
    assert "<dt>Product</dt>" in page and ">XenServer</a>" in page
    assert '<span class="badge badge-version">4.0</span>' in page
    assert "<dt>Last reviewed</dt>" in page and "Not yet reviewed" not in page


def test_publishing_and_marking_reviewed_set_the_review_date(client, app, writer, auth):
    article = make_article(slug="draft-one", status="draft")
    assert article.reviewed_at is None
    kb.set_status(article, "published", writer)
    first = article.reviewed_at
    assert first is not None
    auth.login("writer@example.com")
    response = client.post("/kb/draft-one/reviewed")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Article, article.id).reviewed_at >= first


def test_a_draft_cannot_be_marked_reviewed_and_readers_cannot_mark_at_all(
    client, app, writer, auth
):
    make_article(slug="draft-one", status="draft")
    make_article(slug="live")
    assert client.post("/kb/live/reviewed").status_code == 403
    auth.login("writer@example.com")
    assert client.post("/kb/draft-one/reviewed").status_code == 422
    assert client.post("/kb/nothing-here/reviewed").status_code == 404


def test_an_article_a_newer_major_release_replaced_is_for_review(client, app, writer, auth):
    articles = _library()
    assert review.for_review_ids() == {articles["vlan"].id}
    auth.login("writer@example.com")
    page = client.get("/kb/guest-vlans").get_data(as_text=True)
    assert "For review:" in page and "XenServer 5 has been released since" in page
    assert "For review:" not in client.get("/kb/nfs-storage-repository").get_data(as_text=True)
    listing = client.get("/kb/manage?review=1").get_data(as_text=True)
    assert "Guest VLANs" in listing and "Attaching an NFS" not in listing
    assert "For review</span>" in client.get("/kb/manage").get_data(as_text=True)

    # A 6.0 release overtakes the articles written for 4.x and 5.0 too.
    products.save_version(
        products.find_product("XenServer"),
        None,
        {"version": "6.0", "is_released": True, "released_on": "2010-06-01"},
    )
    assert review.for_review_ids() == {
        articles["vlan"].id,
        articles["nfs"].id,
        articles["iscsi"].id,
        articles["draft"].id,
    }


def test_readers_never_see_the_review_note(client, app):
    _library()
    assert "For review" not in client.get("/kb/guest-vlans").get_data(as_text=True)


def test_a_published_edit_counts_as_a_review(app, writer):
    article = make_article()
    article.reviewed_at = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.commit()
    kb.save_article(
        article,
        {"title": article.title, "slug": article.slug, "product": "XenServer", "body": "New."},
        writer,
    )
    assert article.reviewed_at.year > 2020


@pytest.mark.parametrize("app_config", [{"KB_VIEW_FLUSH_SECONDS": 0.5}])
def test_readings_are_written_together_once_their_interval_has_passed(client, app):
    _library()
    for _ in range(3):
        with count_statements() as statements:
            assert client.get("/kb/guest-vlans").status_code == 200
        assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]

    def counted() -> int:
        db.session.rollback()
        return db.session.scalar(select(Article.view_count).where(Article.slug == "guest-vlans"))

    # Nobody else reads anything: the writer's own thread writes them once its interval ends.
    deadline = time.monotonic() + 10
    while counted() != 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert counted() == 3
