"""Running background work: periodic tasks, then every due job, and a worker that loops.

A job is claimed (portal/jobs/claims.py) and the claim committed before its handler runs;
the handler's changes then commit together with the job's outcome.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import traceback
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import update

from portal.extensions import db
from portal.jobs.claims import claim_next, reclaim_stale
from portal.jobs.registry import (
    Periodic,
    PermanentJobError,
    frequent_tasks,
    get_handler,
    load_handler_modules,
    periodic_tasks,
)
from portal.models import Job
from portal.models.types import utcnow

log = logging.getLogger(__name__)

FREQUENT_SECONDS = 0.5  # a publish elsewhere is searchable here in about a second
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
MAX_ERROR_LENGTH = 4000


@dataclass
class PassReport:
    """What one pass did."""

    now: datetime
    jobs_done: int = 0
    jobs_retrying: int = 0  # raised, and will run again after a backoff
    jobs_failed: int = 0  # gave up: out of attempts, unknown kind or a permanent error
    jobs_reclaimed: int = 0  # found running on a dead worker and put back
    periodic_work: dict[str, int] = field(default_factory=dict)
    periodic_errors: list[str] = field(default_factory=list)

    @property
    def jobs_run(self) -> int:
        return self.jobs_done + self.jobs_retrying + self.jobs_failed

    @property
    def periodic_did_work(self) -> int:
        return sum(1 for count in self.periodic_work.values() if count > 0)

    def summary(self) -> str:
        """One line for people, e.g. 'Ran 3 jobs (1 failed), 2 periodic tasks did work'."""
        failures = []
        if self.jobs_retrying:
            failures.append(f"{self.jobs_retrying} failed and will be retried")
        if self.jobs_failed:
            failures.append(f"{self.jobs_failed} failed for good")
        text = f"Ran {_plural(self.jobs_run, 'job')}"
        if failures:
            text += f" ({', '.join(failures)})"
        text += f", {_plural(self.periodic_did_work, 'periodic task')} did work"
        if self.periodic_errors:
            text += f"; periodic tasks that raised: {', '.join(self.periodic_errors)}"
        return text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def default_worker_id() -> str:
    """host:pid, which names the worker holding a job in `locked_by`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def site_context() -> AbstractContextManager[object]:
    """Background work builds links with url_for as views do; outside a request it needs
    the site's public address, which BASE_URL gives."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config["BASE_URL"])


def backoff(attempts: int) -> timedelta:
    """The wait before retrying a job that has failed `attempts` times: 30s, 1m, 2m … 1h."""
    doublings = min(max(attempts - 1, 0), 20)  # past the cap long before; no overflow
    return min(BACKOFF_BASE * 2**doublings, BACKOFF_CAP)


def run_pass(
    now: datetime | None = None,
    worker_id: str | None = None,
    stop: threading.Event | None = None,
) -> PassReport:
    """Run every periodic task, then claim and run due jobs until none is due.

    `now` fixes the clock for the whole pass (``jobs run --now``); without it each claim
    uses the current time. The pass commits as it goes, so call it with no pending changes.
    Setting `stop` ends the pass after the job in hand.
    """
    worker_id = worker_id or default_worker_id()
    report = PassReport(now=now or utcnow())
    load_handler_modules()
    _run_periodic_tasks(report)
    report.jobs_reclaimed = reclaim_stale(now or utcnow())
    while stop is None or not stop.is_set():
        moment = now or utcnow()
        job = claim_next(moment, worker_id)
        if job is None:
            break
        outcome = run_job(job, moment, worker_id)
        if outcome == "done":
            report.jobs_done += 1
        elif outcome == "pending":
            report.jobs_retrying += 1
        else:
            report.jobs_failed += 1
    return report


def run_frequent_tasks(now: datetime | None = None) -> PassReport:
    """The frequent periodic tasks alone, as the worker runs them between passes."""
    report = PassReport(now=now or utcnow())
    load_handler_modules()
    _run_periodic_tasks(report, frequent_tasks())
    return report


def _run_periodic_tasks(
    report: PassReport, tasks: list[tuple[str, Periodic]] | None = None
) -> None:
    for name, task in periodic_tasks() if tasks is None else tasks:
        try:
            with site_context():
                count = task(report.now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("periodic task %s raised", name)
            report.periodic_errors.append(name)
        else:
            report.periodic_work[name] = int(count or 0)


def run_job(job: Job, now: datetime, worker_id: str) -> str:
    """Run a claimed job's handler and record the outcome; returns the job's new status."""
    job_id, kind, payload = job.id, job.kind, dict(job.payload or {})
    handle = get_handler(kind)
    if handle is None:
        error = f"no handler is registered for job kind {kind!r}; see HANDLER_MODULES"
        log.error("job %s: %s", job_id, error)
        _finish(job_id, worker_id, status="failed", finished_at=now, last_error=error)
        return "failed"
    try:
        with site_context():
            handle(payload, now)
        db.session.flush()
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s (%s) raised", job_id, kind)
        return _record_failure(job_id, worker_id, now, exc)
    # The handler's changes commit with the done status; last_error stays as history.
    _finish(job_id, worker_id, status="done", finished_at=now)
    return "done"


def _record_failure(job_id: int, worker_id: str, now: datetime, exc: Exception) -> str:
    job = db.session.get(Job, job_id)
    if job is None:  # deleted while running; nothing left to record
        return "failed"
    attempts = job.attempts + 1
    error = _describe(exc)
    if isinstance(exc, PermanentJobError) or attempts >= job.max_attempts:
        _finish(
            job_id,
            worker_id,
            status="failed",
            attempts=attempts,
            finished_at=now,
            last_error=error,
        )
        return "failed"
    _finish(
        job_id,
        worker_id,
        status="pending",
        attempts=attempts,
        run_at=now + backoff(attempts),
        locked_by=None,
        locked_at=None,
        last_error=error,
    )
    return "pending"


def _finish(job_id: int, worker_id: str, **values: Any) -> None:
    """Record a job's outcome, unless it was reclaimed from this worker meanwhile; commit."""
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running", Job.locked_by == worker_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        log.warning("job %s was reclaimed from %s before it finished", job_id, worker_id)
    db.session.commit()


def _describe(exc: BaseException) -> str:
    summary = f"{type(exc).__name__}: {exc}"
    trace = "".join(traceback.format_exception(exc))
    return f"{summary}\n\n{trace}"[:MAX_ERROR_LENGTH]


def _pause(seconds: float, stop: threading.Event, worker_id: str) -> None:
    """Wait for the next pass, running the frequent tasks every `FREQUENT_SECONDS` meanwhile
    (so a publish on another server is searchable here within about a second)."""
    deadline = time.monotonic() + seconds
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or stop.wait(min(remaining, FREQUENT_SECONDS)):
            return
        if time.monotonic() >= deadline:
            return
        try:
            report = run_frequent_tasks()
        except Exception:
            db.session.rollback()
            log.exception("worker %s: frequent tasks failed", worker_id)
        else:
            if report.periodic_errors:
                log.info("worker %s: %s", worker_id, report.summary())
        finally:
            db.session.close()


def worker(
    poll_seconds: float,
    worker_id: str | None = None,
    stop: threading.Event | None = None,
    handle_signals: bool = True,
) -> None:
    """Run passes until SIGTERM/SIGINT (or `stop`), sleeping `poll_seconds` between them.

    A signal lets the job in hand finish; a pass that fails (say, the database is down)
    is logged and tried again after the pause.
    """
    worker_id = worker_id or default_worker_id()
    stop = stop or threading.Event()
    previous: dict[int, Any] = {}

    def request_stop(signum: int, frame: FrameType | None) -> None:
        log.info("worker %s stopping after %s", worker_id, signal.Signals(signum).name)
        stop.set()

    if handle_signals:
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, request_stop)
    try:
        while not stop.is_set():
            try:
                report = run_pass(worker_id=worker_id, stop=stop)
            except Exception:
                db.session.rollback()
                log.exception("worker %s: pass failed", worker_id)
            else:
                if report.jobs_run or report.periodic_did_work or report.periodic_errors:
                    log.info("worker %s: %s", worker_id, report.summary())
            db.session.close()  # hand the connection back to the pool while idle
            _pause(poll_seconds, stop, worker_id)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
