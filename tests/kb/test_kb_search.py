"""portal.search: ranking, filters, paging, spelling, hostile queries, catch-up and rebuild."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import search
from portal.extensions import db
from portal.kb import service
from portal.models import SearchChange
from portal.search.index import read_state
from tests.kb.conftest import make_article


def test_a_published_article_is_found_by_a_stemmed_word_with_a_highlighted_excerpt(app):
    make_article(body="## Steps\n\nAttach the storage repository with `xe sr-create type=nfs`.")
    page = search.search("repositories")
    assert page.total == 1
    hit = page.items[0]
    assert (hit.type, hit.key, hit.url) == (
        "article",
        "nfs-storage-repository",
        "/kb/nfs-storage-repository",
    )
    assert hit.score > 0 and hit.type_label == "Article"
    assert "storage <mark>repository</mark> with" in str(hit.excerpt)


def test_title_matches_outrank_body_matches(app):
    make_article(slug="body-only", title="Pool master tasks", body="Mention of migration here.")
    make_article(slug="in-title", title="Live migration between hosts", body="Move running VMs.")
    assert [h.key for h in search.search("migration").items] == ["in-title", "body-only"]


def test_drafts_are_not_searchable_until_published(app):
    article = make_article(status="draft")
    assert search.search("nfs").total == 0
    service.set_status(article, "published", None)
    db.session.commit()
    search.catch_up()
    assert search.search("nfs").total == 1
    service.set_status(article, "draft", None)
    db.session.commit()
    search.catch_up()
    assert search.search("nfs").total == 0


def test_product_tag_and_type_filters_narrow_results(app):
    make_article()
    make_article(slug="center-nfs", title="NFS in XenCenter", product="XenCenter", tags=["ui"])
    assert search.search("nfs").total == 2
    assert [h.key for h in search.search("nfs", product="XenCenter").items] == ["center-nfs"]
    assert [h.key for h in search.search("nfs", tag="UI").items] == ["center-nfs"]
    assert search.search("nfs", type="topic").total == 0
    assert search.search("nfs", product="NoSuchProduct").total == 0
    # An empty query with a filter lists what the filter allows.
    assert search.search("", product="XenCenter").total == 1


def test_results_are_paged_and_an_out_of_range_page_shows_the_last(app):
    for number in range(7):
        make_article(slug=f"backup-{number}", title=f"Backup recipe {number}")
    first = search.search("backup", per_page=3)
    assert (first.total, first.pages, len(first.items), first.has_next) == (7, 3, 3, True)
    last = search.search("backup", per_page=3, page=99)
    assert (last.page, len(last.items), last.has_next) == (3, 1, False)
    keys = {h.key for p in (1, 2, 3) for h in search.search("backup", per_page=3, page=p).items}
    assert len(keys) == 7


def test_a_misspelled_query_gets_a_did_you_mean(app):
    make_article()
    page = search.search("storge repositry")
    assert page.suggestion == "storage repository"
    assert search.search("storage").suggestion is None


HOSTILE_QUERIES = [
    '"nfs',
    "nfs*",
    "title:nfs",
    "(nfs",
    "nfs AND",
    "AND OR NOT",
    "x" * 1000,
    "nfs " * 400,
    "<script>alert(1)</script>",
    "\x00\u202e",
    "",
    "   ",
    "*:*",
    "a" * 5000 + " nfs",
]


def test_query_syntax_and_huge_queries_never_fail(app):
    make_article()
    for query in HOSTILE_QUERIES:
        page = search.search(query)
        assert len(page.query) <= search.MAX_QUERY_CHARS
        assert "<script" not in "".join(str(h.excerpt) for h in page.items)
    assert search.search('"nfs').total == search.search("nfs AND").total == 1


def test_excerpts_escape_html_in_the_article_text(app):
    make_article(body="Run <script>alert('nfs')</script> and <b onclick=x>nfs</b> mounts.")
    excerpt = str(search.search("nfs").items[0].excerpt)
    assert "<script" not in excerpt and "onclick" not in excerpt and "<mark" in excerpt


def test_suggest_takes_free_text_and_can_exclude_one_document(app):
    make_article()
    make_article(slug="iscsi", title="Attaching an iSCSI storage repository", tags=["storage"])
    text = "Subject: cannot attach NFS share\n\nThe storage repository will not plug after reboot"
    keys = [h.key for h in search.suggest(text)]
    assert keys[0] == "nfs-storage-repository"
    assert "nfs-storage-repository" not in [
        h.key for h in search.suggest(text, exclude=("article", "nfs-storage-repository"))
    ]
    assert search.suggest("") == [] and search.suggest("the and of") == []


def test_searching_before_any_index_exists_returns_nothing(app):
    assert search.search("nfs").total == 0 and search.suggest("nfs") == []


def test_catch_up_applies_each_change_once_and_keeps_a_high_water_mark(app):
    make_article()
    folder = Path(app.config["INDEX_DIR"])
    newest = db.session.scalar(select(SearchChange.id).order_by(SearchChange.id.desc()))
    from datetime import timedelta

    from portal.models.types import utcnow

    assert search.catch_up(now=utcnow() + timedelta(minutes=5)) == 0  # applied at publish
    assert read_state(folder).mark == newest  # and now settled
    assert search.catch_up(now=utcnow() + timedelta(minutes=5)) == 0


def test_young_changes_are_applied_once_while_they_settle_and_late_ones_are_not_missed(app):
    from datetime import timedelta

    from portal.models.types import utcnow
    from portal.search.index import read_state

    make_article()  # applied at once by the fixture's catch-up, still settling
    folder = Path(app.config["INDEX_DIR"])
    state = read_state(folder)
    assert state.mark == 0 and state.applied
    assert search.catch_up() == 0  # seen already: not applied again

    late = search.record_change("article", "nfs-storage-repository")
    db.session.commit()
    assert search.catch_up() == 1
    assert search.catch_up(now=utcnow() + timedelta(minutes=5)) == 0
    assert read_state(folder).mark == late.id and read_state(folder).applied == frozenset()


def test_a_deleted_document_leaves_the_index(app):
    make_article()
    search.record_change("article", "nfs-storage-repository", "delete")
    db.session.commit()
    search.catch_up()
    assert search.search("nfs").total == 0
    with pytest.raises(ValueError):
        search.record_change("article", "x", "explode")


def test_rebuilding_from_a_deleted_index_folder_gives_the_same_results(app):
    make_article()
    make_article(slug="iscsi", title="Attaching an iSCSI storage repository", tags=["storage"])
    before = [h.key for h in search.search("storage repository").items]
    search.close_all()
    shutil.rmtree(app.config["INDEX_DIR"])
    assert search.search("storage").total == 0
    assert search.rebuild() == 2
    assert [h.key for h in search.search("storage repository").items] == before


def test_other_features_register_their_own_document_types(app):
    from portal.search.documents import _sources

    def load(keys):
        return [
            search.SearchDocument(type="topic", key=k, title="NFS mount hangs", url=f"/t/{k}")
            for k in keys
        ]

    previous = _sources.get("topic")
    search.register_source("topic", load, lambda: ["7"])
    try:
        search.record_change("topic", "7")
        db.session.commit()
        search.catch_up()
        hit = search.search("nfs", type="topic").items[0]
        assert (hit.type, hit.key, hit.type_label) == ("topic", "7", "Forum thread")
    finally:
        if previous is not None:  # the forums' own source, for the tests that follow
            _sources["topic"] = previous
        else:
            _sources.pop("topic", None)


def test_a_rebuild_swaps_in_a_new_generation_and_old_searchers_keep_working(app):
    from whoosh import index as whoosh_index
    from whoosh.query import Term

    from portal.search.index import live_folder

    make_article()
    search.rebuild()
    root = Path(app.config["INDEX_DIR"])
    first = live_folder(root)
    assert first != root
    # A searcher elsewhere (another process of this server) holding the live generation.
    elsewhere = whoosh_index.open_dir(str(first), indexname="MAIN").searcher()
    try:
        service.set_status(service.find_article("nfs-storage-repository"), "draft", None)
        db.session.commit()
        search.rebuild()
        second = live_folder(root)
        assert second != first
        # The old generation is still there and still answers, until the next rebuild.
        assert len(elsewhere.search(Term("uid", "article:nfs-storage-repository"))) == 1
        assert search.search("nfs").total == 0  # this process moved to the new one
    finally:
        elsewhere.close()
    search.rebuild()
    assert not first.exists() and second.exists()


def test_the_tag_filter_offers_each_published_tag_once(app) -> None:
    from portal.kb import service as kb_service
    from tests.kb.conftest import make_article

    make_article(slug="one", title="One", tags=["storage", "nfs"])
    make_article(slug="two", title="Two", tags=["storage", "nfs"])
    make_article(slug="three", title="Three", tags=["nfs", "pool"])
    make_article(slug="four", title="Four", tags=[])
    make_article(slug="draft", title="Draft", tags=["secret-draft-tag"], status="draft")

    assert kb_service.known_tags() == ["nfs", "pool", "storage"]
