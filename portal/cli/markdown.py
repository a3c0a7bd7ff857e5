"""`flask markdown render`: bring stored renderings up to the current renderer."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal import transactions
from portal.models.rendered import (
    RENDERER_VERSION,
    batches,
    rendered_models,
    rerender,
    stale_ids,
)

markdown_cli = AppGroup("markdown", help="Stored renderings of Markdown text.")


@markdown_cli.command("render")
@click.option("--all", "everything", is_flag=True, help="Render every row, not only stale ones.")
def render_command(everything: bool) -> None:
    """Render again every row stored by an older renderer (or never rendered)."""
    click.echo(f"Renderer version {RENDERER_VERSION}.")
    for model in rendered_models():
        ids = stale_ids(model, everything=everything)
        done = 0
        with click.progressbar(length=len(ids), label=model.__tablename__, show_pos=True) as bar:
            for batch in batches(ids):
                done += rerender(model, batch)
                transactions.commit()  # one unit per batch: an interrupted run keeps its work
                bar.update(len(batch))
        click.echo(f"{model.__tablename__}: {done} row(s) rendered.")
