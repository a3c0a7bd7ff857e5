from pathlib import Path

from portal.docs import service
from portal.extensions import db
from portal.models import DocPage, Role
from tests.conftest import make_user


def _page(**overrides):
    return {
        "slug": "installing-the-host",
        "title": "Installing the host",
        "product": "XenServer",
        "guide": "Installation Guide",
        "version": "4.1",
        "order": 2,
        "summary": "From CD or network.",
        "body": "## Steps\n\nBoot from the CD.",
    } | overrides


def test_docs_index_groups_pages_into_guides_in_order(client, app):
    service.save_page(None, _page(), None)
    service.save_page(None, _page(slug="requirements", title="System requirements", order=1), None)
    db.session.commit()
    html = client.get("/docs/").get_data(as_text=True)
    assert "XenServer: Installation Guide" in html
    assert html.index("System requirements") < html.index("Installing the host")


def test_doc_page_renders_markdown_with_next_and_previous(client, app):
    service.save_page(None, _page(), None)
    service.save_page(None, _page(slug="requirements", title="System requirements", order=1), None)
    db.session.commit()
    html = client.get("/docs/installing-the-host").get_data(as_text=True)
    assert "<h2>Steps</h2>" in html and "Previous: System requirements" in html


def test_draft_pages_are_hidden_from_readers(client, app):
    service.save_page(None, _page(published=False), None)
    db.session.commit()
    service.save_page(None, _page(slug="requirements", title="System requirements"), None)
    db.session.commit()
    assert client.get("/docs/installing-the-host").status_code == 404
    assert client.get("/docs/requirements").status_code == 200
    index = client.get("/docs/").get_data(as_text=True)
    assert "System requirements" in index and "Installing the host" not in index


def test_kb_engineer_writes_a_page_and_bad_input_keeps_the_text(client, auth):
    make_user("writer@example.com", Role.KB_ENGINEER)
    auth.login("writer@example.com")
    bad = client.post("/docs/new", data=_page(slug="Bad Slug!", published="on"))
    assert bad.status_code == 400
    assert "lower-case letters" in bad.get_data(as_text=True)
    assert "Boot from the CD." in bad.get_data(as_text=True)
    good = client.post("/docs/new", data=_page(published="on"))
    assert good.status_code == 302
    assert db.session.query(DocPage).one().updated_by.email == "writer@example.com"


def test_preview_is_sanitised_and_only_for_editors(client, auth):
    assert client.post("/docs/preview", data={"body": "x"}).status_code == 403
    make_user("writer@example.com", Role.KB_ENGINEER)
    auth.login("writer@example.com")
    html = client.post("/docs/preview", data={"body": "**hi** <script>x()</script>"}).get_data(
        as_text=True
    )
    assert "<strong>hi</strong>" in html and "<script" not in html


def test_editing_is_refused_to_customers(client, auth):
    make_user("eval@example.com")
    auth.login("eval@example.com")
    assert client.get("/docs/new").status_code == 403


def test_import_upserts_and_names_broken_files(runner, tmp_path: Path):
    (tmp_path / "good.md").write_text(
        "---\ntitle: Good page\nproduct: XenServer\nguide: Admin\norder: 1\n---\nBody\n"
    )
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n")
    (tmp_path / "untitled.md").write_text("---\nproduct: XenServer\nguide: Admin\n---\nBody\n")
    result = runner.invoke(args=["docs", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 updated, 2 refused" in result.output
    assert "broken.md" in result.output and "untitled.md" in result.output
    again = runner.invoke(args=["docs", "import", str(tmp_path)])
    assert "0 added, 1 updated" in again.output


def test_shipped_documentation_imports_cleanly(app):
    added, _updated, refused = service.import_folder(service.DOCS_FOLDER)
    assert refused == [] and added >= 10


def test_documentation_pages_are_found_by_the_one_search(client, app):
    from portal import search

    try:
        service.save_page(
            None,
            _page(body="Boot the host from the installation CD and choose the hypervisor disk."),
            None,
        )
        service.save_page(
            None, _page(slug="draft-page", title="Hypervisor disk draft", published=False), None
        )
        db.session.commit()
        search.catch_up()
        results = client.get("/api/v1/kb/search?q=hypervisor+disk&type=doc").get_json()
        assert [r["slug"] for r in results["results"]] == ["installing-the-host"]
        assert results["results"][0]["type"] == "doc"
        assert results["results"][0]["url"].endswith("/docs/installing-the-host")
    finally:
        search.close_all()
