from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from portal.extensions import db
from portal.jobs import enqueue, handler
from portal.jobs.claims import claim, claim_next
from portal.jobs.runner import run_job, run_pass
from portal.models import Job


def _job(job_id: int) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job is not None
    return job


def _mark_running(job_id: int, worker_id: str, since: datetime) -> None:
    db.session.execute(
        db.update(Job)
        .where(Job.id == job_id)
        .values(status="running", locked_by=worker_id, locked_at=since)
    )
    db.session.commit()


def test_a_job_claimed_by_one_worker_cannot_be_claimed_by_another(app, now):
    job_id = enqueue("test.claimed", {}, run_at=now).id
    db.session.commit()

    assert claim(job_id, "worker-a", now) is True
    db.session.commit()
    assert claim(job_id, "worker-b", now) is False
    db.session.commit()

    job = _job(job_id)
    assert job.status == "running" and job.locked_by == "worker-a" and job.locked_at == now


def test_claim_next_hands_out_each_due_job_once(app, now):
    first = enqueue("test.claimed", {}, run_at=now - timedelta(minutes=1)).id
    second = enqueue("test.claimed", {}, run_at=now).id
    db.session.commit()

    claimed = [claim_next(now, "worker-a"), claim_next(now, "worker-b"), claim_next(now, "w")]

    assert [job.id if job else None for job in claimed] == [first, second, None]
    assert _job(first).locked_by == "worker-a" and _job(second).locked_by == "worker-b"


def test_concurrent_workers_never_run_the_same_job(app: Flask, now):
    ran: list[int] = []

    @handler("test.counted")
    def counted(payload: dict[str, Any], at: datetime) -> None:
        ran.append(payload["n"])

    for n in range(40):
        enqueue("test.counted", {"n": n}, run_at=now)
    db.session.commit()
    errors: list[BaseException] = []

    def work(worker_id: str) -> None:
        try:
            with app.app_context():
                run_pass(now=now, worker_id=worker_id)
                db.session.remove()
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(ran) == list(range(40))
    statuses = db.session.scalars(db.select(Job.status)).all()
    assert statuses == ["done"] * 40


def test_a_job_left_running_by_a_dead_worker_is_reclaimed_after_ten_minutes(app, now):
    ran: list[str] = []

    @handler("test.orphan")
    def orphan(payload: dict[str, Any], at: datetime) -> None:
        ran.append(payload["name"])

    stale = enqueue("test.orphan", {"name": "stale"}, run_at=now - timedelta(hours=1)).id
    busy = enqueue("test.orphan", {"name": "busy"}, run_at=now - timedelta(hours=1)).id
    db.session.commit()
    _mark_running(stale, "dead-worker", now - timedelta(minutes=11))
    _mark_running(busy, "slow-worker", now - timedelta(minutes=5))

    report = run_pass(now=now, worker_id="rescuer")

    assert report.jobs_reclaimed == 1 and ran == ["stale"]
    job = _job(stale)
    assert job.status == "done" and job.locked_by == "rescuer" and job.attempts == 1
    assert "reclaimed" in job.last_error
    assert _job(busy).status == "running" and _job(busy).locked_by == "slow-worker"


def test_a_reclaimed_job_out_of_attempts_is_failed(app, now):
    job_id = enqueue("test.orphan", {}, run_at=now - timedelta(hours=1), max_attempts=1).id
    db.session.commit()
    _mark_running(job_id, "dead-worker", now - timedelta(minutes=30))

    run_pass(now=now)

    job = _job(job_id)
    assert job.status == "failed" and job.attempts == 1 and job.finished_at == now


def test_a_worker_that_lost_its_job_to_reclaim_does_not_overwrite_the_outcome(app, now):
    @handler("test.slow")
    def slow(payload: dict[str, Any], at: datetime) -> None:
        pass

    job_id = enqueue("test.slow", {}, run_at=now).id
    db.session.commit()
    job = claim_next(now, "slow-worker")
    assert job is not None
    later = now + timedelta(minutes=20)
    assert run_pass(now=later, worker_id="rescuer").jobs_done == 1

    run_job(_job(job_id), later, "slow-worker")

    finished = _job(job_id)
    assert finished.status == "done" and finished.locked_by == "rescuer"
    assert finished.finished_at == later
