"""Claiming jobs so that no two workers ever run the same one.

Claiming is a conditional UPDATE (pending → running) whose row count says who won, on
every database; on PostgreSQL the candidate is first selected with FOR UPDATE SKIP LOCKED,
so workers pass over each other's rows instead of queueing behind their locks.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Job

log = logging.getLogger(__name__)

# A claim is a lease: a handler must finish within JOBS_LEASE_SECONDS; past it, its worker is
# presumed dead (killed, or its machine lost) and the next pass of any worker runs it again.
STALE_AFTER = timedelta(minutes=10)


def lease() -> timedelta:
    seconds = current_app.config.get("JOBS_LEASE_SECONDS")
    return timedelta(seconds=float(seconds)) if seconds else STALE_AFTER


def reclaim_stale(now: datetime) -> int:
    """Put back jobs left running by a dead worker; the lost run counts as an attempt."""
    cutoff = now - lease()
    stale = (Job.status == "running", Job.locked_at < cutoff)
    message = "its worker stopped before finishing it; reclaimed"
    gave_up = db.session.execute(
        update(Job)
        .where(*stale, Job.attempts + 1 >= Job.max_attempts)
        .values(status="failed", attempts=Job.attempts + 1, finished_at=now, last_error=message)
        .execution_options(synchronize_session=False)
    ).rowcount
    retried = db.session.execute(
        update(Job)
        .where(*stale)
        .values(
            status="pending",
            attempts=Job.attempts + 1,
            run_at=now,
            locked_by=None,
            locked_at=None,
            last_error=message,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if gave_up or retried:
        log.warning(
            "reclaimed %d stale job(s), %d of them out of attempts", gave_up + retried, gave_up
        )
    return gave_up + retried


def claim(job_id: int, worker_id: str, now: datetime) -> bool:
    """Mark a pending job as running for `worker_id`; False if another worker got it first.

    Does not commit: the caller commits before running the handler.
    """
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "pending")
        .values(status="running", locked_by=worker_id, locked_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_next(now: datetime, worker_id: str) -> Job | None:
    """Claim the job due longest ago and commit the claim; None when nothing is due."""
    while True:
        query = (
            select(Job.id)
            .where(Job.status == "pending", Job.run_at <= now)
            .order_by(Job.run_at, Job.id)
            .limit(1)
        )
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job_id = db.session.scalar(query)
        if job_id is None:
            db.session.commit()  # end the read transaction rather than idle in it
            return None
        won = claim(job_id, worker_id, now)
        db.session.commit()
        if won:
            return db.session.get(Job, job_id)
        # Another worker claimed it between our select and update: look again.
