"""Putting work on the durable queue, in the caller's transaction."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import update

from portal.extensions import db
from portal.models import Job
from portal.models.types import utcnow

MAX_KIND_LENGTH = 60


def enqueue(
    kind: str,
    payload: dict[str, Any],
    run_at: datetime | None = None,
    max_attempts: int = 8,
) -> Job:
    """Add a pending job of `kind`, due at `run_at` (now if None); flushes, never commits.

    The job commits or rolls back with the change it follows, so a case and its
    acknowledgement mail are saved together or not at all.
    """
    if not kind or len(kind) > MAX_KIND_LENGTH:
        raise ValueError(f"job kind must be 1 to {MAX_KIND_LENGTH} characters, got {kind!r}")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    if run_at is not None and run_at.tzinfo is None:
        raise ValueError("run_at must be an aware datetime (UTC), not a naive one")
    try:
        json.dumps(payload)
    except TypeError as exc:
        # Fail in the request that enqueues, not hours later in the worker.
        raise ValueError(f"job payload for {kind!r} is not JSON-serialisable: {exc}") from exc
    job = Job(
        kind=kind,
        payload=dict(payload),
        status="pending",
        run_at=run_at or utcnow(),
        attempts=0,
        max_attempts=max_attempts,
    )
    db.session.add(job)
    db.session.flush()
    return job


def retry_failed(kind: str | None = None) -> int:
    """Put jobs that ran out of attempts back in the queue, due now; returns how many.

    Jobs that failed for another reason (no handler, a permanent error) stay failed.

    Commits. The handlers are idempotent (mail is never sent twice), so a retry is safe.
    """
    statement = (
        update(Job)
        .where(Job.status == "failed", Job.attempts >= Job.max_attempts)
        .values(status="pending", attempts=0, run_at=utcnow(), finished_at=None)
    )
    if kind:
        statement = statement.where(Job.kind == kind)
    count = db.session.execute(statement).rowcount
    db.session.commit()
    return count
