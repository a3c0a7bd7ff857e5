"""Markdown is rendered when it is saved, stored beside its source, and served as stored."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app, markdown
from portal.extensions import db
from portal.forums import service as forums
from portal.forums.seed import ensure_categories
from portal.models import Article, CaseMessage, DocPage, Idea, Post, Release, Role
from portal.models.rendered import RENDERER_VERSION, rendered_models
from tests.conftest import make_user
from tests.kb.conftest import make_article


@pytest.fixture
def renderer_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call of the Markdown renderer from here on."""
    calls: list[str] = []
    real = markdown.render_markdown

    def counting(source: str | None) -> object:
        calls.append(source or "")
        return real(source)

    monkeypatch.setattr(markdown, "render_markdown", counting)
    return calls


def test_every_markdown_model_stores_its_rendering() -> None:
    assert set(rendered_models()) == {Article, CaseMessage, DocPage, Idea, Post, Release}


def test_saving_an_article_stores_its_html_and_the_renderer_version(app) -> None:
    article = make_article(body="Run `xe sr-list`.\n\n```bash\nxe sr-list\n```")
    stored = db.session.execute(
        text("SELECT body_html, html_version FROM kb_articles WHERE id = :id"), {"id": article.id}
    ).one()
    assert "<code>xe sr-list</code>" in stored.body_html
    assert '<div class="highlight">' in stored.body_html
    assert stored.html_version == RENDERER_VERSION


def test_the_article_page_serves_the_stored_html_without_rendering(
    client, app, renderer_calls
) -> None:
    make_article(body="## Steps\n\nRun **this**.")
    renderer_calls.clear()
    html = client.get("/kb/nfs-storage-repository").get_data(as_text=True)
    assert "<strong>this</strong>" in html
    assert renderer_calls == []


def test_raw_html_in_the_source_is_sanitised_before_it_is_stored(app) -> None:
    article = make_article(body="Hi <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html


def test_editing_a_forum_post_renders_it_again(app) -> None:
    ensure_categories()
    author = make_user("asker@example.com", Role.CUSTOMER)
    topic = forums.create_topic(forums.find_category("storage"), author, "SR gone", "It is *gone*.")
    post = forums.first_post(topic)
    assert "<em>gone</em>" in post.body_html
    forums.edit_post(post, author, "It is **back**.")
    db.session.commit()
    assert "<strong>back</strong>" in db.session.get(Post, post.id).body_html


def test_a_row_from_an_older_renderer_is_rendered_on_the_fly_until_the_cli_renders_it(
    client, app, runner, renderer_calls
) -> None:
    article = make_article(body="Fresh **text**.")
    db.session.execute(
        text("UPDATE kb_articles SET body_html = '<p>stale</p>', html_version = 'old'")
    )
    db.session.commit()
    db.session.expire_all()

    assert "<strong>text</strong>" in client.get("/kb/nfs-storage-repository").get_data(True)
    assert renderer_calls, "a stale rendering is never served"

    result = runner.invoke(args=["markdown", "render"])
    assert result.exit_code == 0, result.output
    assert "kb_articles: 1 row(s) rendered" in result.output
    db.session.expire_all()
    again = db.session.get(Article, article.id)
    assert again.html_version == RENDERER_VERSION
    assert "<strong>text</strong>" in again.body_html

    renderer_calls.clear()
    client.get("/kb/nfs-storage-repository")
    assert renderer_calls == []
    assert "0 row(s) rendered" in runner.invoke(args=["markdown", "render"]).output


def test_the_migration_renders_the_rows_that_exist(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url,
         "INDEX_DIR": str(tmp_path / "index")}
    )  # fmt: skip
    with app.app_context():
        upgrade(revision="3f7a9c1e5d20")  # the schema before renderings were stored
        db.session.execute(
            text(
                "INSERT INTO kb_articles (slug, title, summary, product, versions, tags, body,"
                " status, created_at, updated_at) VALUES ('a', 'A', '', '', '[]', '[]',"
                " 'Some **bold** text', 'published', '2026-01-01', '2026-01-01')"
            )
        )
        db.session.commit()
        upgrade()
        row = db.session.execute(text("SELECT body_html, html_version FROM kb_articles")).one()
        db.engine.dispose()
    assert row.body_html == "<p>Some <strong>bold</strong> text</p>"
    assert row.html_version == RENDERER_VERSION
