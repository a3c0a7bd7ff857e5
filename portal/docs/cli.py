"""`flask docs import DIR`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.docs import service
from portal.extensions import db

docs_cli = AppGroup("docs", help="Product documentation.")


@docs_cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_docs(folder: Path) -> None:
    """Add or update documentation pages from Markdown files with front matter."""
    added, updated, refused = service.import_folder(folder)
    db.session.commit()
    click.echo(f"{added} added, {updated} updated, {len(refused)} refused")
    for reason in refused:
        click.echo(f"  refused {reason}", err=True)
