"""Flask CLI commands (CONTRACT.md): users, orgs, demo, plus each feature's own groups."""

from __future__ import annotations

from flask import Flask

from portal.cli import bulk as _bulk  # noqa: F401  (adds `demo bulk`)
from portal.cli.accounts import orgs_cli, users_cli
from portal.cli.demo import demo_cli
from portal.cli.markdown import markdown_cli
from portal.docs.cli import docs_cli
from portal.jobs.cli import jobs_cli
from portal.kb.cli import kb_cli
from portal.mailgate.cli import mail_cli
from portal.surveys.cli import surveys_cli


def register_cli(app: Flask) -> None:
    for group in (
        users_cli,
        orgs_cli,
        demo_cli,
        jobs_cli,
        docs_cli,
        surveys_cli,
        kb_cli,
        mail_cli,
        markdown_cli,
    ):
        app.cli.add_command(group)
