"""An open case, and one on support's move, mean the same on an instance and in a query."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, CaseStatus
from tests.staff.conftest import make_gold_case


def test_open_and_supports_move_agree_between_python_and_sql(app):
    first = make_gold_case("00000000", status=CaseStatus.NEW.value)
    for n, status in enumerate(list(CaseStatus)[1:], start=1):
        db.session.add(
            Case(
                number=f"{n:08d}",
                organisation_id=first.organisation_id,
                contact_id=first.contact_id,
                subject="Migration fails",
                description="XenMotion error",
                product="XenServer",
                customer_severity="P3",
                severity="P3",
                tier="gold",
                status=status.value,
            )
        )
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
