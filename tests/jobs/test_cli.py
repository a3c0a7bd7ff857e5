from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from portal.extensions import db
from portal.jobs import enqueue, handler, periodic
from portal.models import Job


def test_jobs_run_runs_one_pass_as_of_now_and_reports_it(app, runner, now):
    ran: list[datetime] = []

    @handler("test.cli_job")
    def cli_job(payload: dict[str, Any], at: datetime) -> None:
        ran.append(at)
        if payload.get("fail"):
            raise RuntimeError("deliberate")

    @periodic("test.cli_periodic")
    def cli_periodic(at: datetime) -> int:
        return 1

    enqueue("test.cli_job", {}, run_at=now - timedelta(hours=1))
    enqueue("test.cli_job", {}, run_at=now)
    enqueue("test.cli_job", {"fail": True}, run_at=now)
    enqueue("test.cli_job", {}, run_at=now + timedelta(seconds=1))
    db.session.commit()

    result = runner.invoke(args=["jobs", "run", "--now", "2026-01-05T10:00:00+00:00"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Ran 3 jobs (1 failed and will be retried), 1 periodic task did work"
    )
    assert ran == [now, now, now]
    db.session.expire_all()
    statuses = db.session.scalars(db.select(Job.status).order_by(Job.id)).all()
    assert statuses == ["done", "done", "pending", "pending"]


def test_jobs_run_without_now_uses_the_current_time(app, runner):
    @handler("test.cli_now")
    def cli_now(payload: dict[str, Any], at: datetime) -> None:
        pass

    enqueue("test.cli_now", {})
    db.session.commit()

    result = runner.invoke(args=["jobs", "run"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Ran 1 job,")


def test_jobs_run_refuses_a_malformed_now_with_a_usage_error(app, runner):
    result = runner.invoke(args=["jobs", "run", "--now", "next tuesday"])

    assert result.exit_code == 2
    assert "'next tuesday' is not an ISO-8601 date and time" in result.output
    assert "Traceback" not in result.output


def test_jobs_run_refuses_a_now_without_utc_offset(app, runner):
    result = runner.invoke(args=["jobs", "run", "--now", "2026-01-05T10:00:00"])

    assert result.exit_code == 2
    assert "has no UTC offset" in result.output


def test_jobs_retry_revives_only_jobs_that_ran_out_of_attempts(app, runner, now):
    exhausted = enqueue("test.retry", {}, run_at=now, max_attempts=2)
    exhausted.status, exhausted.attempts = "failed", 2
    refused = enqueue("test.retry", {}, run_at=now)
    refused.status, refused.attempts = "failed", 1  # a permanent error: retrying cannot help
    other = enqueue("test.other", {}, run_at=now, max_attempts=1)
    other.status, other.attempts = "failed", 1
    db.session.commit()
    result = runner.invoke(args=["jobs", "retry", "--kind", "test.retry"])
    assert result.exit_code == 0 and "1 failed job queued again." in result.output
    db.session.expire_all()
    assert [db.session.get(Job, j.id).status for j in (exhausted, refused, other)] == [
        "pending",
        "failed",
        "failed",
    ]
    assert db.session.get(Job, exhausted.id).attempts == 0
