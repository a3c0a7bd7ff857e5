"""`flask kb import DIR`, `flask kb export DIR`, `flask kb reindex` (CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.kb.files import export_folder, import_folder
from portal.search import catch_up, close_all, plan_rebuild, rebuild

kb_cli = AppGroup("kb", help="Knowledge-base articles and the search index.")

FOLDER = click.Path(file_okay=False, path_type=Path)


@kb_cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--create-products",
    is_flag=True,
    help="Add the products the files name that the portal does not know yet.",
)
def import_command(folder: Path, create_products: bool) -> None:
    """Add or update the articles in FOLDER (*.md with front matter), matched by slug.

    Every refused file is named with its reason; the exit status is 1 when any was refused.
    """
    report = import_folder(folder, create_products=create_products)
    db.session.commit()
    for name in report.created_products:
        click.echo(f"Product added: {name}.")
    click.echo(f"Articles: {report.summary()}.")
    for name, reason in report.refused:
        click.echo(f"  refused {name}: {reason}", err=True)
    if report.added or report.updated:
        applied = catch_up(wait=5.0)
        click.echo(f"Search index: {applied} change(s) applied.")
    if report.refused:
        raise SystemExit(1)


@kb_cli.command("export")
@click.argument("folder", type=FOLDER)
def export_command(folder: Path) -> None:
    """Write every article to FOLDER as <slug>.md, in the format `kb import` reads."""
    count = export_folder(folder)
    click.echo(f"Exported {count} article(s) to {folder}.")


@kb_cli.command("reindex")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes that index at once (default: one per CPU, up to 4, for a large index).",
)
def reindex_command(workers: int | None) -> None:
    """Rebuild the search index from the database."""
    plan = plan_rebuild()
    close_all()
    with click.progressbar(length=plan.total, label="Indexing", show_pos=True) as bar:
        indexed = rebuild(plan, progress=bar.update, workers=workers)
    catch_up(wait=5.0)  # changes made while the rebuild ran
    click.echo(f"Indexed {indexed} document(s).")
