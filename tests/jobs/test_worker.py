from __future__ import annotations

import os
import signal
import threading
from datetime import datetime
from typing import Any

from portal.extensions import db
from portal.jobs import enqueue, handler, periodic
from portal.jobs.runner import worker
from portal.models import Job


def test_worker_runs_passes_until_asked_to_stop(app):
    passes: list[datetime] = []
    stop = threading.Event()

    @periodic("test.count_passes")
    def count_passes(at: datetime) -> int:
        passes.append(at)
        if len(passes) == 3:
            stop.set()
        return 0

    worker(poll_seconds=0.01, worker_id="test-worker", stop=stop, handle_signals=False)

    assert len(passes) == 3


def test_sigterm_lets_the_job_in_hand_finish_then_stops_the_worker(app):
    previous = signal.getsignal(signal.SIGTERM)
    finished: list[int] = []

    @handler("test.long_job")
    def long_job(payload: dict[str, Any], at: datetime) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        finished.append(payload["n"])

    enqueue("test.long_job", {"n": 1})
    enqueue("test.long_job", {"n": 2})
    db.session.commit()

    worker(poll_seconds=60, worker_id="test-worker")

    assert finished == [1]
    statuses = db.session.scalars(db.select(Job.status).order_by(Job.id)).all()
    assert statuses == ["done", "pending"]
    assert signal.getsignal(signal.SIGTERM) is previous
