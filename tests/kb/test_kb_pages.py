"""/kb/ search page and /kb/<slug>: with and without HTMX, bad input, ratings."""

import pytest

from portal.extensions import db
from portal.models import ContactKind, Role
from tests.conftest import count_statements, make_contact, make_organisation, make_user
from tests.kb.conftest import make_article

HX = {"HX-Request": "true"}


def test_search_page_lists_results_and_htmx_gets_only_the_fragment(client, app):
    make_article()
    page = client.get("/kb/?q=nfs+repository")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert 'hx-sync="this:replace"' in html and 'hx-push-url="true"' in html
    assert "Attaching an NFS storage repository" in html and "<mark" in html
    assert ">Article</span>" in html
    fragment = client.get("/kb/?q=nfs+repository", headers=HX)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Attaching an NFS storage repository" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


BAD_QUERIES = [
    "q=",
    "q=" + "x" * 1000,
    'q="nfs',
    "q=nfs*",
    "q=title:nfs",
    "q=(nfs",
    "q=nfs+AND",
    "q=nfs&product=Toaster",
    "q=nfs&page=-1",
    "q=nfs&page=abc",
    "q=nfs&page=99999999999999",
    "q=nfs&type=bogus",
    "q=nfs&tag=" + "t" * 500,
    "q=%ff%fe",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=nfs&tag=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
]


def test_bad_search_input_gets_a_sensible_page(client, app):
    make_article()
    for query in BAD_QUERIES:
        for headers in ({}, HX):
            response = client.get(f"/kb/?{query}", headers=headers)
            assert response.status_code == 200, query
            assert "<script>alert" not in response.get_data(as_text=True)


def test_search_with_a_nul_character_is_refused_clearly(client, app):
    response = client.get("/kb/?q=nfs%00mount")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_unknown_product_is_explained_and_ignored(client, app):
    make_article()
    html = client.get("/kb/?q=nfs&product=Toaster").get_data(as_text=True)
    assert "There is no product called “Toaster”" in html
    assert "Attaching an NFS storage repository" in html


def test_no_results_suggest_forums_and_cases_only_for_entitled_customers(client, app, auth):
    make_article()
    html = client.get("/kb/?q=printer+toner").get_data(as_text=True)
    assert "Nothing matched" in html and "Ask in the forums" in html
    assert "/cases/new" not in html
    organisation = make_organisation(tier="gold")
    make_contact(organisation, "admin@gold.example.com", (ContactKind.SUPPORT_ADMIN,))
    auth.login("admin@gold.example.com")
    html = client.get("/kb/?q=printer+toner", headers=HX).get_data(as_text=True)
    assert "/cases/new" in html and "Open a support case" in html


def test_empty_search_page_invites_a_question(client, app):
    html = client.get("/kb/").get_data(as_text=True)
    assert "Where to start" in html and "Ask in the forums" in html


def test_misspelling_offers_a_did_you_mean_link(client, app):
    make_article()
    html = client.get("/kb/?q=storge").get_data(as_text=True)
    assert "Did you mean" in html and "/kb/?q=storage" in html


def test_paging_links_keep_the_filters(client, app):
    for number in range(12):
        make_article(slug=f"backup-{number}", title=f"Backup recipe {number}")
    html = client.get("/kb/?q=backup&product=XenServer").get_data(as_text=True)
    assert "page 1 of 2" in html
    assert "/kb/?q=backup&amp;product=XenServer&amp;page=2" in html


def test_search_page_uses_a_bounded_number_of_statements(client, app):
    for number in range(10):
        make_article(slug=f"backup-{number}", title=f"Backup recipe {number}")
    with count_statements() as few:
        client.get("/kb/?q=backup&per_page=1")
    with count_statements() as many:
        # Another visitor: the same query again in one session is not logged twice.
        app.test_client().get("/kb/?q=backup")
    # Ten results cost no more than one; the second reads the kept product and topic lists.
    assert len(many) <= len(few) <= 5


def test_article_page_renders_markdown_badges_and_related_articles(client, app):
    make_article(body="## Steps\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```bash\nxe sr-list\n```")
    make_article(slug="iscsi", title="Attaching an iSCSI storage repository", tags=["storage"])
    html = client.get("/kb/nfs-storage-repository").get_data(as_text=True)
    assert "<h2>Steps</h2>" in html and "<table>" in html and 'class="highlight"' in html
    assert "badge-version" in html and ">5.0<" in html and ">XenServer<" in html
    assert "Related" in html and "/kb/iscsi" in html
    assert "Did this help?" in html


def test_article_with_raw_html_and_script_is_sanitised(client, app):
    make_article(body='<script>alert(1)</script>\n\n<img src=x onerror="alert(2)"> nfs')
    page = client.get("/kb/nfs-storage-repository")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<img alt="" src="x"> nfs' in html
    assert "<script>alert" not in html and "onerror" not in html
    results = client.get("/kb/?q=nfs").get_data(as_text=True)
    assert "Attaching an NFS storage repository" in results and "<script>alert" not in results


def test_drafts_and_unknown_articles_are_404_for_readers(client, app):
    make_article(status="draft")
    assert client.get("/kb/nfs-storage-repository").status_code == 404
    assert client.get("/kb/no-such-article").status_code == 404


def test_a_reader_rates_once_and_staff_see_the_totals(client, app, auth):
    make_article()
    first = client.post("/kb/nfs-storage-repository/rating", data={"helpful": "yes"}, headers=HX)
    assert first.status_code == 200 and "Thank you" in first.get_data(as_text=True)
    assert "<html" not in first.get_data(as_text=True)
    client.post("/kb/nfs-storage-repository/rating", data={"helpful": "no"})
    other = app.test_client()
    assert (
        other.post("/kb/nfs-storage-repository/rating", data={"helpful": "no"}).status_code == 302
    )
    assert (
        client.post("/kb/nfs-storage-repository/rating", data={"helpful": "maybe"}).status_code
        == 400
    )
    page = client.get("/kb/nfs-storage-repository").get_data(as_text=True)
    assert "Thank you" in page and "Readers' answers" not in page
    make_user("tse@example.com", Role.TSE)
    auth.login("tse@example.com")
    staff_page = client.get("/kb/nfs-storage-repository").get_data(as_text=True)
    assert "1 helped, 1 did not" in staff_page


def test_a_logged_in_reader_rates_once_per_account(client, app, auth):
    make_article()
    make_user("reader@example.com")
    auth.login("reader@example.com")
    client.post("/kb/nfs-storage-repository/rating", data={"helpful": "yes"})
    auth.logout()
    auth.login("reader@example.com")
    client.post("/kb/nfs-storage-repository/rating", data={"helpful": "no"})
    from portal.kb.service import rating_totals
    from portal.models import Article

    assert rating_totals(db.session.query(Article).one()) == (1, 0)


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "KB_ANONYMOUS_RATINGS_PER_ADDRESS": "3 per hour"}]
)
def test_anonymous_ratings_are_limited_per_address_however_often_the_cookie_goes(
    app, client, auth, app_config
):
    from portal.kb.service import rating_totals
    from portal.models import Article

    make_article()
    answers = []
    for _ in range(5):
        fresh = app.test_client()  # a reader who dropped the cookie: a new voter each time
        answers.append(fresh.post("/kb/nfs-storage-repository/rating", data={"helpful": "no"}))
    assert [r.status_code for r in answers] == [302, 302, 302, 429, 429]
    assert "Too many ratings" in answers[-1].get_data(as_text=True)
    elsewhere = app.test_client().post(
        "/kb/nfs-storage-repository/rating",
        data={"helpful": "yes"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert elsewhere.status_code == 302
    # A reader with an account is not held back by the anonymous limit.
    make_user("reader@example.com")
    auth.login("reader@example.com")
    assert (
        client.post("/kb/nfs-storage-repository/rating", data={"helpful": "yes"}).status_code == 302
    )
    assert rating_totals(db.session.query(Article).one()) == (2, 3)
