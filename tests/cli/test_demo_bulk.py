"""`flask demo bulk` fills the database quickly with data spread like a real organisation's."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.cases.filing import next_case_number
from portal.extensions import db
from portal.models import Article, Case, CaseMessage, Post, Topic
from portal.models.rendered import RENDERER_VERSION


def test_demo_bulk_fills_every_kind_of_row(app, runner) -> None:
    result = runner.invoke(
        args=["demo", "bulk", "--cases", "300", "--messages", "1500", "--articles", "20",
              "--topics", "30", "--posts", "120"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert (count(Case), count(CaseMessage), count(Article), count(Topic), count(Post)) == (
        300, 1500, 20, 30, 120
    )  # fmt: skip
    statuses = set(db.session.scalars(select(Case.status).distinct()))
    assert {"closed", "new"} <= statuses and len(statuses) >= 5
    assert len(set(db.session.scalars(select(Case.organisation_id)))) >= 10
    longest = db.session.scalar(
        select(func.count()).select_from(CaseMessage).group_by(CaseMessage.case_id)
        .order_by(func.count().desc()).limit(1)
    )  # fmt: skip
    assert longest == 200
    stale = db.session.scalar(
        select(func.count()).where(CaseMessage.html_version != RENDERER_VERSION)
    )
    assert stale == 0


def test_cases_filed_after_a_bulk_load_get_new_numbers(app, runner) -> None:
    assert runner.invoke(args=["demo", "bulk", "--cases", "50", "--messages", "60"]).exit_code == 0
    numbers = set(db.session.scalars(select(Case.number)))
    assert next_case_number() not in numbers
