"""Every search is logged once, cheaply, with nothing personal beyond the account; opening a
result and filing a case afterwards are recorded on the same row."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from portal.extensions import db
from portal.kb import search_log
from portal.models import Case, SearchLog
from tests.cases.test_cases_views import FORM
from tests.conftest import count_statements
from tests.kb.conftest import make_article

HX = {"HX-Request": "true"}


def logs() -> list[SearchLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(SearchLog).order_by(SearchLog.id)))


def test_normalised_wording_ignores_case_punctuation_and_spacing():
    assert (
        search_log.normalize("  VM won't START!!  (XenServer 5.0) ")
        == "vm wont start xenserver 5 0"
    )
    assert search_log.normalize("Ｆｕｌｌ‐width") == "full width"
    assert search_log.normalize("🔥 disk") == "🔥 disk"
    assert search_log.normalize("???") == ""


def test_the_log_keeps_at_most_500_characters_and_no_lone_surrogates():
    assert len(search_log.logged_text("x" * 1000)) == 500
    assert search_log.logged_text("disk \ud800 full") == "disk full"


def test_a_search_page_logs_query_filters_results_and_an_anonymous_session_id(client, app):
    make_article()
    response = client.get("/kb/?q=NFS+storage&product=XenServer")
    assert response.status_code == 200
    (row,) = logs()
    assert (row.query, row.normalized, row.results) == ("NFS storage", "nfs storage", 1)
    assert row.filters == {"product": "XenServer"} and row.source == "page"
    assert row.user_id is None and len(row.search_session) == 32
    assert row.opened_path is None and row.case_id is None
    with client.session_transaction() as session:
        assert session[search_log.SESSION_KEY] == row.search_session


def test_as_you_type_logs_the_settled_query_once(client, app):
    make_article()
    for typed in ("n", "nf", "nfs", "nfs stor", "nfs storage"):
        assert client.get(f"/kb/?q={typed}", headers=HX).status_code == 200
    client.get("/kb/?q=nfs+storage")  # Enter, or a reload: the same search
    client.get("/kb/?q=nfs+storage&page=2")
    (row,) = logs()
    assert (row.query, row.results, row.source) == ("nfs storage", 1, "as_you_type")


def test_a_keystroke_costs_one_write_and_no_commit_of_its_own(client, app):
    make_article()
    client.get("/kb/?q=nfs", headers=HX)
    with count_statements() as statements:
        client.get("/kb/?q=nfs+stor", headers=HX)
    writes = [s for s in statements if s.split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert len(writes) == 1 and not any(s.startswith("COMMIT") for s in statements)


def test_a_different_question_is_a_new_row(client, app):
    client.get("/kb/?q=nfs+storage", headers=HX)
    client.get("/kb/?q=license+expired", headers=HX)
    client.get("/kb/?q=license+expired&tag=licensing", headers=HX)
    assert [(r.normalized, r.filters) for r in logs()] == [
        ("nfs storage", {}),
        ("license expired", {}),
        ("license expired", {"tag": "licensing"}),
    ]


def test_a_logged_in_search_keeps_the_account_id_only(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    client.get("/kb/?q=backup")
    (row,) = logs()
    assert row.user_id == gold_contact.id
    columns = set(SearchLog.__table__.columns.keys())
    assert not columns & {"ip", "address", "user_agent", "email"}


def test_opening_a_result_records_it_and_redirects_on_site_only(client, app):
    make_article()
    html = client.get("/kb/?q=nfs+storage").get_data(as_text=True)
    (row,) = logs()
    link = f"/kb/open/{row.key}?to=/kb/nfs-storage-repository"
    assert link in html
    response = client.get(link)
    assert response.status_code == 303
    assert response.headers["Location"] == "/kb/nfs-storage-repository"
    assert logs()[0].opened_path == "/kb/nfs-storage-repository"
    evil = client.get(f"/kb/open/{row.key}?to=//evil.example/x")
    assert evil.headers["Location"] == "/kb/"


def test_nobody_else_can_mark_a_search_as_opened(client, app):
    client.get("/kb/?q=nfs")
    (row,) = logs()
    stranger = app.test_client()
    assert stranger.get(f"/kb/open/{row.key}?to=/kb/x").status_code == 303
    assert logs()[0].opened_path is None


def test_the_api_logs_first_pages_with_the_account(client, app):
    make_article()
    client.get("/api/v1/kb/search?q=nfs")
    client.get("/api/v1/kb/search?q=nfs&page=2")
    (row,) = logs()
    assert (row.source, row.search_session, row.results) == ("api", None, 1)


def test_the_filing_suggestions_are_logged_and_the_filed_case_linked(client, auth, gold_contact):
    make_article()
    client.get("/kb/?q=nfs+storage+repository")  # before logging in: carried over
    auth.login("admin@gold.example.com")
    client.get("/cases/suggestions?subject=NFS+storage&description=", headers=HX)
    response = client.post("/cases/new", data=FORM)
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    rows = logs()
    assert [r.source for r in rows] == ["page", "filing"]
    assert {r.case_id for r in rows} == {case.id}


def test_searches_of_another_visit_are_not_linked_to_the_case(client, auth, gold_contact, app):
    other = app.test_client()
    other.get("/kb/?q=nfs")
    auth.login("admin@gold.example.com")
    client.post("/cases/new", data=FORM)
    assert logs()[0].case_id is None


def test_a_search_older_than_the_window_is_not_linked(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    client.get("/kb/?q=nfs")
    row = logs()[0]
    row.searched_at = row.searched_at - search_log.CASE_LINK_WINDOW - timedelta(minutes=1)
    db.session.commit()
    client.post("/cases/new", data=FORM)
    assert logs()[0].case_id is None


def test_this_answered_my_question_marks_the_suggestion_opened(client, auth, gold_contact):
    make_article()
    auth.login("admin@gold.example.com")
    html = client.get("/cases/suggestions?subject=NFS+storage", headers=HX).get_data(as_text=True)
    (row,) = logs()
    assert f'name="search" value="{row.key}"' in html
    client.post(
        "/cases/deflected",
        data={
            "article_key": "article:nfs-storage-repository",
            "next": "/kb/nfs-storage-repository",
            "search": row.key,
        },
    )
    assert logs()[0].opened_path == "/kb/nfs-storage-repository"


def test_a_search_still_answers_when_the_log_cannot_be_written(client, app):
    make_article()
    db.session.execute(text("DROP TABLE kb_search_logs"))
    db.session.commit()
    try:
        response = client.get("/kb/?q=nfs+storage", headers=HX)
        assert response.status_code == 200 and "NFS storage repository" in response.get_data(
            as_text=True
        )
        assert client.get("/api/v1/kb/search?q=nfs").status_code == 200
    finally:
        db.session.rollback()
        SearchLog.__table__.create(db.engine)


@pytest.mark.parametrize(
    "query",
    [
        'title:"nfs" AND (* OR',
        "x" * 1000,
        "the and of to",
        "🔥💾",
        "מחשב וירטואלי לא עולה",
        "a\tb\nc",
    ],
)
def test_any_query_gets_an_answer_and_at_most_500_characters_are_logged(client, app, query):
    for path in ("/kb/", "/api/v1/kb/search"):
        assert client.get(path, query_string={"q": query}).status_code == 200
    assert client.get("/cases/suggestions", query_string={"subject": query}).status_code in (
        200,
        302,
    )
    assert all(len(row.query) <= 500 and len(row.normalized) <= 500 for row in logs())


def test_a_lone_surrogate_gets_a_clear_refusal(client, app):
    response = client.get("/kb/?q=%ED%A0%80")
    assert response.status_code in (200, 400)
    assert client.get("/api/v1/kb/search?q=disk%20%ED%A0%80").status_code in (200, 400)
    assert all(len(row.query) <= 500 for row in logs())


@pytest.mark.parametrize("app_config", [{"SEARCH_LOG_FLUSH_SECONDS": 60}])
def test_a_search_costs_the_request_no_write_and_its_events_are_written_together(client, app):
    make_article()
    with count_statements() as statements:
        html = client.get("/kb/?q=nfs+storage").get_data(as_text=True)
        key = re.search(r"/kb/open/([0-9a-f]+)\?", html).group(1)
        client.get(f"/kb/open/{key}?to=/kb/nfs-storage-repository")
    assert not [s for s in statements if "kb_search_logs" in s]
    assert logs() == []
    with app.test_request_context():
        search_log._events().write_pending()
        db.session.commit()
    (row,) = logs()
    assert (row.key, row.query, row.results) == (key, "nfs storage", 1)
    assert row.opened_path == "/kb/nfs-storage-repository"


def test_events_written_in_any_order_leave_one_complete_row(client, app):
    """Servers write what they hold at their own pace: an opened result or a filed case may
    reach the table before the search it belongs to, and an early wording after a later."""
    make_article()
    client.get("/kb/?q=nfs", headers=HX)
    (row,) = logs()
    key, token, searched = row.key, row.search_session, row.searched_at
    db.session.delete(row)
    db.session.commit()

    def search(wording: str, seconds: int) -> tuple[str, dict]:
        return (
            "search",
            {
                "key": key,
                "search_session": token,
                "query": wording,
                "normalized": wording,
                "filters": {},
                "results": 1,
                "source": "as_you_type",
                "searched_at": searched + timedelta(seconds=seconds),
            },
        )

    opened = {
        "key": key,
        "search_session": token,
        "opened_path": "/kb/nfs-storage-repository",
        "opened_at": searched + timedelta(seconds=9),
    }
    for batch in (
        [("open", opened)],
        [search("nfs storage", 2)],
        [search("nfs", 1)],  # the first keystroke, written last by a slower server
        [("open", opened | {"opened_path": "/kb/other"})],  # a second open: the first stays
    ):
        with app.test_request_context():
            search_log.write_events(batch)
            db.session.commit()
    (row,) = logs()
    assert (row.query, row.source, row.opened_path) == (
        "nfs storage",
        "as_you_type",
        "/kb/nfs-storage-repository",
    )


def test_a_made_up_or_foreign_key_is_refused_without_a_write(client, app):
    client.get("/kb/?q=nfs")
    (row,) = logs()
    with count_statements() as statements:
        for key in ("0" * 24, row.key[:-1] + "x", "nonsense", row.key.upper()):
            assert client.get(f"/kb/open/{key}?to=/kb/x").status_code == 303
    assert not [s for s in statements if "kb_search_logs" in s]
    assert logs()[0].opened_path is None
