"""Flask CLI commands (CONTRACT.md): users, orgs, demo, plus each feature's own groups."""

from __future__ import annotations

from flask import Flask

from portal.cli.accounts import orgs_cli, users_cli
from portal.cli.demo import demo_cli


def register_cli(app: Flask) -> None:
    try:
        from portal.jobs.cli import jobs_cli  # TEMPORARY
    except ImportError:
        jobs_cli = None

    for group in (users_cli, orgs_cli, demo_cli, jobs_cli):
        if group is None:
            continue
        app.cli.add_command(group)
