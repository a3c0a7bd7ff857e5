"""`flask surveys send-semiannual`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.surveys import service

surveys_cli = AppGroup("surveys", help="Customer satisfaction surveys.")


@surveys_cli.command("send-semiannual")
@click.option("--name", default="", help="A name for this round, e.g. 'Spring 2027 survey'.")
def send_semiannual(name: str) -> None:
    """Invite every active customer contact to the semi-annual survey."""
    campaign, invited = service.launch_semiannual(name, None)
    db.session.commit()
    click.echo(
        f"{campaign.name}: {invited} contact(s) invited; mail goes out with the next job pass."
    )
