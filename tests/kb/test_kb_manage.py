"""The KB engineers' list of every article: words, status and product narrow it; it pages."""

from __future__ import annotations

from portal.kb.service import MANAGE_PER_PAGE
from portal.models import Role
from tests.conftest import make_user
from tests.kb.conftest import make_article


def test_engineers_search_filter_and_page_every_article(client, auth):
    make_user("writer@example.com", Role.KB_ENGINEER)
    make_article(slug="iscsi-sr", title="Attaching an iSCSI storage repository", status="draft")
    make_article(slug="nfs-sr", title="Attaching an NFS storage repository")
    for n in range(MANAGE_PER_PAGE):
        make_article(slug=f"note-{n}", title=f"Release note {n:02d}", product="XenCenter")
    auth.login("writer@example.com")

    html = client.get("/kb/manage?q=iscsi").get_data(as_text=True)
    assert "Attaching an iSCSI storage repository" in html and "NFS" not in html
    assert "Draft" in html and "1 article." in html

    drafts = client.get("/kb/manage?status=draft").get_data(as_text=True)
    assert "iSCSI" in drafts and "Attaching an NFS storage repository" not in drafts

    first = client.get("/kb/manage?product=XenCenter&sort=title").get_data(as_text=True)
    assert f"{MANAGE_PER_PAGE} article" in first and "Release note 00" in first
    every = client.get("/kb/manage").get_data(as_text=True)
    assert f"showing 1–{MANAGE_PER_PAGE}" in every and 'rel="next"' in every
    second = client.get("/kb/manage?sort=title&page=2").get_data(as_text=True)
    assert "Release note 24" in second and "Attaching" not in second


def test_the_list_is_swapped_in_place_for_htmx(client, auth):
    make_user("writer@example.com", Role.KB_ENGINEER)
    make_article()
    auth.login("writer@example.com")
    fragment = client.get("/kb/manage?q=zzz", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "No article matches" in text


def test_readers_cannot_open_the_list(client, auth):
    make_user("reader@example.com")
    auth.login("reader@example.com")
    assert client.get("/kb/manage").status_code == 403
