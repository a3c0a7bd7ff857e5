from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from portal.extensions import db
from portal.jobs import enqueue, handler, periodic
from portal.jobs.registry import periodic_tasks
from portal.jobs.runner import run_pass
from portal.models import Job


def test_every_periodic_task_runs_each_pass_with_the_pass_time(app, now):
    seen: list[tuple[str, datetime]] = []

    @periodic("test.close_idle_cases")
    def close_idle_cases(at: datetime) -> int:
        seen.append(("close", at))
        return 2

    @periodic("test.catch_up_index")
    def catch_up_index(at: datetime) -> int:
        seen.append(("index", at))
        return 0

    report = run_pass(now=now)

    assert seen == [("close", now), ("index", now)]
    assert report.periodic_work["test.close_idle_cases"] == 2
    assert report.periodic_work["test.catch_up_index"] == 0
    assert report.periodic_did_work == 1


def test_a_failing_periodic_task_is_rolled_back_and_does_not_stop_the_others(app, now):
    @periodic("test.explodes")
    def explodes(at: datetime) -> int:
        enqueue("test.half_written", {}, run_at=at)
        raise RuntimeError("boom")

    @periodic("test.still_runs")
    def still_runs(at: datetime) -> int:
        enqueue("test.written", {}, run_at=at + timedelta(days=1))
        return 1

    report = run_pass(now=now)

    assert report.periodic_errors == ["test.explodes"]
    ours = {k: v for k, v in report.periodic_work.items() if k.startswith("test.")}
    assert ours == {"test.still_runs": 1}
    kinds = db.session.scalars(db.select(Job.kind)).all()
    assert kinds == ["test.written"]
    assert "periodic tasks that raised: test.explodes" in report.summary()


def test_jobs_enqueued_by_a_periodic_task_run_in_the_same_pass(app, now):
    ran: list[int] = []

    @periodic("test.schedules_reminders")
    def schedules_reminders(at: datetime) -> int:
        enqueue("test.reminder", {"case": 42}, run_at=at)
        return 1

    @handler("test.reminder")
    def reminder(payload: dict[str, Any], at: datetime) -> None:
        ran.append(payload["case"])

    assert run_pass(now=now).jobs_done == 1
    assert ran == [42]


def test_registering_two_functions_under_one_name_is_refused(app):
    @periodic("test.twice")
    def first(at: datetime) -> int:
        return 0

    with pytest.raises(ValueError, match="already registered"):

        @periodic("test.twice")
        def second(at: datetime) -> int:
            return 0


def test_registrations_do_not_leak_between_tests(app):
    names = [name for name, _ in periodic_tasks()]
    assert not [name for name in names if name.startswith("test.")]
