"""KB engineers write in the browser: preview, drafts, publishing, history with a diff."""

from sqlalchemy import select

from portal import search
from portal.extensions import db
from portal.models import Article, ArticleRevision, Role
from tests.conftest import make_user
from tests.kb.conftest import make_article

FORM = {
    "title": "Bonding two NICs for VM traffic",
    "slug": "",
    "product": "XenServer",
    "versions": "4.1, 5.0",
    "tags": "Networking, bonding",
    "summary": "Active-active bonds with xe bond-create.",
    "body": "## Create the bond\n\nRun `xe bond-create`.",
    "note": "First version",
}


def test_readers_and_customers_cannot_reach_the_editor(client, app, auth):
    make_article()
    for url in (
        "/kb/new",
        "/kb/manage",
        "/kb/nfs-storage-repository/edit",
        "/kb/nfs-storage-repository/history",
    ):
        assert client.get(url).status_code == 403
    assert client.post("/kb/preview", data={"body": "x"}).status_code == 403
    make_user("tse@example.com", Role.TSE)
    auth.login("tse@example.com")
    assert client.post("/kb/new", data=FORM | {"action": "publish"}).status_code == 403


def test_live_preview_renders_through_the_sanitiser(client, writer, auth):
    auth.login("writer@example.com")
    response = client.post(
        "/kb/preview",
        data={"body": "**bold** <script>alert(1)</script>"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert "<strong>bold</strong>" in html and "<script" not in html


def test_a_draft_is_saved_then_published_and_searchable_at_once(client, writer, auth):
    auth.login("writer@example.com")
    response = client.post("/kb/new", data=FORM | {"action": "draft"})
    assert response.status_code == 302 and response.location.endswith(
        "/kb/bonding-two-nics-for-vm-traffic"
    )
    article = db.session.scalar(select(Article))
    assert not article.is_published and article.tags == ["networking", "bonding"]
    assert article.versions == ["4.1", "5.0"] and article.author.email == "writer@example.com"
    assert search.search("bonding").total == 0
    assert (
        client.get("/kb/bonding-two-nics-for-vm-traffic").status_code == 200
    )  # editors see drafts

    client.post("/kb/bonding-two-nics-for-vm-traffic/status", data={"status": "published"})
    # No job runner pass: the publishing request applied the change itself.
    assert [h.key for h in search.search("bond nics").items] == ["bonding-two-nics-for-vm-traffic"]

    client.post("/kb/bonding-two-nics-for-vm-traffic/status", data={"status": "draft"})
    assert search.search("bonding").total == 0


def test_bad_input_keeps_what_was_typed(client, writer, auth):
    auth.login("writer@example.com")
    response = client.post("/kb/new", data=FORM | {"title": "", "action": "publish"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Give the article a title" in html
    assert "Run `xe bond-create`." in html and 'aria-invalid="true"' in html
    for slug in ("Bad Slug!", "new"):
        bad = client.post("/kb/new", data=FORM | {"slug": slug, "action": "draft"})
        assert bad.status_code == 400
    make_article(slug="taken")
    clash = client.post("/kb/new", data=FORM | {"slug": "taken", "action": "draft"})
    assert clash.status_code == 400 and "already uses" in clash.get_data(as_text=True)


def test_every_edit_is_a_revision_and_the_history_shows_a_diff(client, writer, auth):
    auth.login("writer@example.com")
    client.post("/kb/new", data=FORM | {"action": "publish"})
    edited = FORM | {
        "slug": "bonding-two-nics-for-vm-traffic",
        "body": "## Create the bond\n\nRun `xe bond-create` on <the> master.",
        "note": "Say where",
        "action": "publish",
    }
    assert client.post("/kb/bonding-two-nics-for-vm-traffic/edit", data=edited).status_code == 302
    revisions = db.session.scalars(select(ArticleRevision).order_by(ArticleRevision.number)).all()
    assert [(r.number, r.note, r.editor.email) for r in revisions] == [
        (1, "First version", "writer@example.com"),
        (2, "Say where", "writer@example.com"),
    ]
    history = client.get("/kb/bonding-two-nics-for-vm-traffic/history").get_data(as_text=True)
    assert "Revision 2" in history and "Say where" in history
    diff = client.get("/kb/bonding-two-nics-for-vm-traffic/history/2").get_data(as_text=True)
    assert 'class="diff-add"' in diff and "on &lt;the&gt; master." in diff
    assert 'class="diff-remove"' in diff
    assert client.get("/kb/bonding-two-nics-for-vm-traffic/history/9").status_code == 404


def test_renaming_an_article_moves_it_in_the_index(client, writer, auth):
    auth.login("writer@example.com")
    client.post("/kb/new", data=FORM | {"action": "publish"})
    client.post(
        "/kb/bonding-two-nics-for-vm-traffic/edit",
        data=FORM | {"slug": "nic-bonding", "action": "publish"},
    )
    assert [h.url for h in search.search("bonding").items] == ["/kb/nic-bonding"]
    assert client.get("/kb/bonding-two-nics-for-vm-traffic").status_code == 404


def test_manage_lists_drafts_and_published_articles(client, writer, auth):
    make_article()
    make_article(slug="draft-one", title="Half-written", status="draft")
    auth.login("writer@example.com")
    html = client.get("/kb/manage").get_data(as_text=True)
    assert "Half-written" in html and "Draft" in html and "Published" in html
