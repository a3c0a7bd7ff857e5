"""`flask jobs run`, `flask jobs worker` and `flask jobs retry`."""

from __future__ import annotations

import logging
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from portal.jobs.queue import retry_failed
from portal.jobs.runner import default_worker_id, run_pass, worker

jobs_cli = AppGroup("jobs", help="Run background work: mail, auto-close, index catch-up.")


class AwareDateTime(click.ParamType):
    """An ISO-8601 moment with its UTC offset, e.g. 2026-01-05T10:00:00+00:00."""

    name = "ISO-8601"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = datetime.fromisoformat(str(value))
            except ValueError:
                self.fail(
                    f"{value!r} is not an ISO-8601 date and time, e.g. 2026-01-05T10:00:00+00:00",
                    param,
                    ctx,
                )
        if moment.tzinfo is None:
            self.fail(
                f"{value!r} has no UTC offset; add one, e.g. 2026-01-05T10:00:00+00:00",
                param,
                ctx,
            )
        return moment


@jobs_cli.command("run")
@click.option(
    "--now",
    type=AwareDateTime(),
    default=None,
    help="Run as of this moment instead of the current time (ISO-8601 with offset).",
)
def run_command(now: datetime | None) -> None:
    """One pass of all due background work."""
    report = run_pass(now=now)
    click.echo(report.summary())


@jobs_cli.command("worker")
@click.option(
    "--poll-seconds",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Pause between passes; defaults to the JOBS_POLL_SECONDS setting.",
)
def worker_command(poll_seconds: float | None) -> None:
    """Run jobs continuously until SIGTERM or Ctrl-C."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    poll = poll_seconds if poll_seconds is not None else current_app.config["JOBS_POLL_SECONDS"]
    worker_id = default_worker_id()
    click.echo(f"Worker {worker_id} running jobs every {poll:g}s; Ctrl-C to stop.")
    worker(float(poll), worker_id=worker_id)
    click.echo(f"Worker {worker_id} stopped.")


@jobs_cli.command("retry")
@click.option("--kind", default=None, help="Only jobs of this kind, e.g. mail.send.")
def retry_command(kind: str | None) -> None:
    """Give jobs that failed for good a fresh set of attempts (after an outage is over)."""
    count = retry_failed(kind)
    click.echo(f"{count} failed job{'s' if count != 1 else ''} queued again.")
