"""An open case, and one on support's move, mean the same on an instance and in a query."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, CaseStatus
from tests.conftest import make_case


def test_open_and_supports_move_agree_between_python_and_sql(gold_contact, contoso):
    for status in CaseStatus:
        case = make_case(gold_contact, contoso, subject=f"Case that is {status.label}")
        # One case in every status: the expression is what is under test, not the moves
        # that lead there, so the status is set directly after filing.
        case.status = status.value
    db.session.commit()
    everything = db.session.scalars(select(Case)).all()
    open_in_sql = set(db.session.scalars(select(Case.status).where(Case.is_open)))
    moving_in_sql = set(db.session.scalars(select(Case.status).where(Case.on_supports_move)))

    assert len(everything) == len(CaseStatus)
    assert open_in_sql == {c.status for c in everything if c.is_open}
    assert open_in_sql == {s.value for s in CaseStatus if s.is_open}
    assert moving_in_sql == {c.status for c in everything if c.on_supports_move}
    assert moving_in_sql == {"new", "assigned", "waiting_on_support"}
    assert all(c.is_closed is not c.is_open for c in everything)
