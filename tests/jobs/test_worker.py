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


def test_frequent_tasks_run_about_every_half_second_between_passes(app):
    passes: list[datetime] = []
    rounds: list[datetime] = []
    stop = threading.Event()

    @periodic("test.each_pass")
    def each_pass(at: datetime) -> int:
        passes.append(at)
        return 0

    @periodic("test.each_second", frequent=True)
    def each_second(at: datetime) -> int:
        rounds.append(at)
        if len(rounds) == 4:
            stop.set()
        return 0

    worker(poll_seconds=60, worker_id="test-worker", stop=stop, handle_signals=False)

    assert len(passes) == 1  # one pass, then the pause until the next one
    assert len(rounds) == 4  # once in that pass, then every half second during the pause
