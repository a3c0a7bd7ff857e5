"""flask kb import / export / reindex, and the demo seeder."""

from pathlib import Path

from sqlalchemy import func, select

from portal import search
from portal.extensions import db
from portal.models import Article, ArticleRevision
from portal.products import service as products

GOOD = """---
title: Moving a VM between hosts
product: XenServer
versions: ["5.0"]
tags: [migration]
summary: Live migration with xe vm-migrate.
---
Use `xe vm-migrate live=true`.
"""


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_import_reports_added_updated_and_names_refused_files(runner, app, tmp_path):
    folder = _folder(
        tmp_path,
        {
            "live-migration.md": GOOD,
            "broken-yaml.md": "---\ntitle: [unclosed\ntags: {\n---\nbody\n",
            "no-title.md": "---\nproduct: XenServer\n---\nA body without a title.\n",
            "bad-product.md": "---\ntitle: Odd\nproduct: Toaster\n---\nx\n",
        },
    )
    result = runner.invoke(args=["kb", "import", str(folder)])
    assert result.exit_code == 1, "an import that refused files says so in its exit status"
    assert "1 added, 0 updated, 0 unchanged, 3 refused" in result.output
    assert "broken-yaml.md: the front matter is not valid YAML" in result.output
    assert "no-title.md: it has no title" in result.output
    assert "bad-product.md: unknown product 'Toaster'" in result.output
    assert "--create-products" in result.output
    article = db.session.scalar(select(Article))
    assert (article.slug, article.is_published, article.tags) == (
        "live-migration",
        True,
        ["migration"],
    )
    assert search.search("migrate").items[0].key == "live-migration"

    (folder / "live-migration.md").write_text(GOOD.replace("Live migration", "Live moves"))
    again = runner.invoke(args=["kb", "import", str(folder)])
    assert "0 added, 1 updated, 0 unchanged" in again.output
    assert db.session.scalar(select(func.count(ArticleRevision.id))) == 2
    third = runner.invoke(args=["kb", "import", str(folder)])
    assert "0 added, 0 updated, 1 unchanged" in third.output


def test_an_import_with_nothing_refused_exits_zero(runner, app, tmp_path):
    result = runner.invoke(args=["kb", "import", str(_folder(tmp_path, {"a.md": GOOD}))])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 updated, 0 unchanged, 0 refused" in result.output


OTHER_VENDOR = """---
title: Resetting the appliance's admin password
product: Acme Storage Appliance
versions: ["2.1"]
---
Hold the reset button for ten seconds.
"""


def test_another_vendors_articles_need_create_products(runner, app, tmp_path):
    folder = _folder(tmp_path, {"acme-reset.md": OTHER_VENDOR, "ours.md": GOOD})
    refused = runner.invoke(args=["kb", "import", str(folder)])
    assert refused.exit_code == 1
    assert "refused acme-reset.md: unknown product 'Acme Storage Appliance'" in refused.output
    assert "1 added, 0 updated, 0 unchanged, 1 refused" in refused.output
    assert "Acme Storage Appliance" not in products.product_names()

    created = runner.invoke(args=["kb", "import", "--create-products", str(folder)])
    assert created.exit_code == 0, created.output
    assert "Product added: Acme Storage Appliance." in created.output
    assert "1 added, 0 updated, 1 unchanged, 0 refused" in created.output
    assert "Acme Storage Appliance" in products.product_names()
    article = db.session.scalar(select(Article).where(Article.slug == "acme-reset"))
    assert article.product == "Acme Storage Appliance"


def test_a_file_refused_for_another_reason_creates_no_product(runner, app, tmp_path):
    app.config["KB_MAX_ARTICLE_CHARS"] = 20
    folder = _folder(tmp_path, {"acme-reset.md": OTHER_VENDOR})
    result = runner.invoke(args=["kb", "import", "--create-products", str(folder)])
    assert result.exit_code == 1
    assert "refused acme-reset.md: The article text can be at most 20 characters" in result.output
    assert "Acme Storage Appliance" not in products.product_names(include_retired=True)


def test_the_article_size_limit_is_configurable(runner, app, tmp_path):
    app.config["KB_MAX_ARTICLE_CHARS"] = 1_000
    long_body = GOOD + "word " * 400
    folder = _folder(tmp_path, {"long.md": long_body, "short.md": GOOD.replace("VM", "guest")})
    result = runner.invoke(args=["kb", "import", str(folder)])
    assert result.exit_code == 1
    assert "refused long.md: The article text can be at most 1,000 characters" in result.output
    assert "refused short.md" not in result.output
    assert db.session.scalar(select(func.count(Article.id))) == 1


def test_export_writes_files_that_import_back_unchanged(runner, app, tmp_path):
    folder = _folder(tmp_path, {"live-migration.md": GOOD})
    runner.invoke(args=["kb", "import", str(folder)])
    out = tmp_path / "out"
    result = runner.invoke(args=["kb", "export", str(out)])
    assert "Exported 1 article(s)" in result.output
    text = (out / "live-migration.md").read_text()
    assert text.startswith("---\ntitle: Moving a VM between hosts\n") and "xe vm-migrate" in text
    assert (
        "0 added, 0 updated, 1 unchanged" in runner.invoke(args=["kb", "import", str(out)]).output
    )


def test_reindex_rebuilds_a_deleted_index_with_a_progress_bar(runner, app, tmp_path):
    runner.invoke(args=["kb", "import", str(_folder(tmp_path, {"live-migration.md": GOOD}))])
    search.close_all()
    import shutil

    shutil.rmtree(app.config["INDEX_DIR"])
    result = runner.invoke(args=["kb", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexing" in result.output and "Indexed 1 document(s)." in result.output
    assert search.search("migration").total == 1


def test_reindex_with_worker_processes_indexes_every_article(runner, app, tmp_path):
    files = {
        f"note-{n}.md": GOOD.replace("Moving a VM", f"Note {n} on moving a VM") for n in range(6)
    }
    imported = runner.invoke(args=["kb", "import", str(_folder(tmp_path, files))])
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(args=["kb", "reindex", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "Indexed 6 document(s)." in result.output
    assert search.search("moving").total == 6
    refused = runner.invoke(args=["kb", "reindex", "--workers", "0"])
    assert refused.exit_code == 2 and "--workers" in refused.output


def test_demo_seed_imports_the_shipped_corpus_once(runner, app):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(select(func.count(Article.id)))
    assert count >= 40 and f"kb: {count} articles added" in first.output
    assert "kb: 0 articles added" in runner.invoke(args=["demo", "seed"]).output


def test_the_job_runner_catches_the_index_up_from_the_change_log(runner, app):
    from portal.kb import service

    service.save_article(None, {"title": "Clock drift in guests", "body": "Use NTP."}, None)
    db.session.commit()
    assert search.search("clock drift").total == 0  # nothing applied it yet
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert search.search("clock drift").items[0].key == "clock-drift-in-guests"


def test_a_bad_article_size_setting_stops_the_app_at_start_up(tmp_path):
    import pytest

    from portal import create_app

    for bad in ("lots", 0, True):
        with pytest.raises(ValueError, match="PORTAL_KB_MAX_ARTICLE_CHARS"):
            create_app(
                {
                    "TESTING": True,
                    "SECRET_KEY": "x",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                    "KB_MAX_ARTICLE_CHARS": bad,
                }
            )
