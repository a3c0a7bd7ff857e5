from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from portal.extensions import db
from portal.jobs import PermanentJobError, enqueue, handler
from portal.jobs.runner import BACKOFF_CAP, backoff, run_pass
from portal.models import Job


def _job(job_id: int) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job is not None
    return job


def test_enqueue_flushes_a_pending_job_without_committing(app, now):
    job = enqueue("test.noop", {"n": 1}, run_at=now)
    assert job.id is not None and job.status == "pending" and job.attempts == 0
    db.session.rollback()
    assert db.session.get(Job, job.id) is None


def test_enqueue_refuses_payloads_that_are_not_json(app, now):
    with pytest.raises(ValueError, match="JSON"):
        enqueue("test.noop", {"when": now})


def test_enqueue_refuses_a_naive_run_at(app):
    with pytest.raises(ValueError, match="aware"):
        enqueue("test.noop", {}, run_at=datetime(2026, 1, 5, 10, 0))


def test_run_pass_runs_a_due_job_and_marks_it_done(app, now):
    seen: list[tuple[dict[str, Any], datetime]] = []

    @handler("test.record")
    def record(payload: dict[str, Any], at: datetime) -> None:
        seen.append((payload, at))

    job_id = enqueue("test.record", {"case": 7}, run_at=now).id
    db.session.commit()

    report = run_pass(now=now, worker_id="w1")

    assert seen == [({"case": 7}, now)]
    assert report.jobs_done == 1 and report.jobs_run == 1
    job = _job(job_id)
    assert job.status == "done" and job.finished_at == now and job.locked_by == "w1"


def test_a_job_not_yet_due_waits(app, now):
    @handler("test.later")
    def later(payload: dict[str, Any], at: datetime) -> None:
        raise AssertionError("ran too early")

    job_id = enqueue("test.later", {}, run_at=now + timedelta(minutes=5)).id
    db.session.commit()

    assert run_pass(now=now).jobs_run == 0
    assert _job(job_id).status == "pending"


def test_handler_changes_commit_with_the_job_and_roll_back_when_it_raises(app, now):
    @handler("test.whole")
    def whole(payload: dict[str, Any], at: datetime) -> None:
        enqueue("test.kept", {}, run_at=at + timedelta(days=1))

    @handler("test.half_done")
    def half_done(payload: dict[str, Any], at: datetime) -> None:
        enqueue("test.follow_up", {}, run_at=at + timedelta(days=1))
        raise RuntimeError("fell over halfway")

    whole_id = enqueue("test.whole", {}, run_at=now).id
    half_id = enqueue("test.half_done", {}, run_at=now).id
    db.session.commit()

    run_pass(now=now)

    db.session.expire_all()
    written = db.session.scalars(
        db.select(Job.kind).where(Job.kind.in_(["test.kept", "test.follow_up"]))
    ).all()
    assert written == ["test.kept"]
    assert _job(whole_id).status == "done"
    half = _job(half_id)  # it did run, and fell over: only its own changes were undone
    assert half.attempts == 1 and half.last_error.startswith("RuntimeError: fell over halfway")


def test_a_failing_job_is_retried_with_backoff_and_later_succeeds(app, now):
    calls: list[datetime] = []

    @handler("test.flaky")
    def flaky(payload: dict[str, Any], at: datetime) -> None:
        calls.append(at)
        if len(calls) < 3:
            raise ConnectionError("server unavailable")

    job_id = enqueue("test.flaky", {}, run_at=now).id
    db.session.commit()

    report = run_pass(now=now)
    job = _job(job_id)
    assert report.jobs_retrying == 1 and report.jobs_done == 0
    assert job.status == "pending" and job.attempts == 1 and job.locked_by is None
    assert job.run_at == now + timedelta(seconds=30)
    assert job.last_error.startswith("ConnectionError: server unavailable")

    assert run_pass(now=now + timedelta(seconds=29)).jobs_run == 0
    second = now + timedelta(seconds=30)
    run_pass(now=second)
    assert _job(job_id).attempts == 2 and _job(job_id).run_at == second + timedelta(minutes=1)

    third = second + timedelta(minutes=1)
    assert run_pass(now=third).jobs_done == 1
    job = _job(job_id)
    assert job.status == "done" and job.attempts == 2 and job.finished_at == third
    assert calls == [now, second, third]


def test_backoff_doubles_from_thirty_seconds_and_stops_at_an_hour():
    assert [backoff(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert backoff(20) == backoff(72) == backoff(10_000) == BACKOFF_CAP == timedelta(hours=1)


def test_a_job_that_keeps_failing_is_kept_as_failed_after_max_attempts(app, now):
    @handler("test.broken")
    def broken(payload: dict[str, Any], at: datetime) -> None:
        raise ValueError("bad data")

    job_id = enqueue("test.broken", {}, run_at=now, max_attempts=3).id
    db.session.commit()

    moment = now
    for _ in range(3):
        run_pass(now=moment)
        moment += timedelta(hours=2)
    report = run_pass(now=moment)

    job = _job(job_id)
    assert report.jobs_run == 0
    assert job.status == "failed" and job.attempts == 3
    assert job.finished_at == now + timedelta(hours=4)
    assert "ValueError: bad data" in job.last_error


def test_a_permanent_error_fails_the_job_at_once(app, now):
    @handler("test.hopeless")
    def hopeless(payload: dict[str, Any], at: datetime) -> None:
        raise PermanentJobError("the case was deleted")

    job_id = enqueue("test.hopeless", {}, run_at=now).id
    db.session.commit()

    assert run_pass(now=now).jobs_failed == 1
    job = _job(job_id)
    assert job.status == "failed" and job.attempts == 1


def test_a_job_of_unknown_kind_fails_with_a_clear_error(app, now):
    job_id = enqueue("test.nobody_handles_this", {}, run_at=now).id
    db.session.commit()

    report = run_pass(now=now)

    job = _job(job_id)
    assert report.jobs_failed == 1
    assert job.status == "failed" and job.finished_at == now
    assert "no handler is registered for job kind 'test.nobody_handles_this'" in job.last_error


def test_jobs_run_in_the_order_they_fell_due(app, now):
    order: list[int] = []

    @handler("test.ordered")
    def ordered(payload: dict[str, Any], at: datetime) -> None:
        order.append(payload["n"])

    for n, minutes in [(3, 0), (1, -10), (2, -5)]:
        enqueue("test.ordered", {"n": n}, run_at=now + timedelta(minutes=minutes))
    db.session.commit()

    assert run_pass(now=now).jobs_done == 3
    assert order == [1, 2, 3]


def test_summary_counts_jobs_and_periodic_work(app, now):
    @handler("test.ok")
    def ok(payload: dict[str, Any], at: datetime) -> None:
        pass

    @handler("test.fails")
    def fails(payload: dict[str, Any], at: datetime) -> None:
        raise RuntimeError("no")

    for kind in ("test.ok", "test.ok", "test.fails"):
        enqueue(kind, {}, run_at=now)
    db.session.commit()

    summary = run_pass(now=now).summary()

    assert summary == "Ran 3 jobs (1 failed and will be retried), 0 periodic tasks did work"
