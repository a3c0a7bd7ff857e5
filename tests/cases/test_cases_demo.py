"""The demo cases: realistic states for Northwind (Base) and Contoso (Gold), seeded once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal.cases.demo import seed_demo_cases
from portal.cli.demo import seed_accounts
from portal.extensions import db
from portal.models import Case


def seed_all() -> None:
    seed_accounts(date.today())
    seed_demo_cases()


def test_demo_seed_adds_cases_in_several_states_and_is_idempotent(app):
    seed_all()
    db.session.commit()
    cases = db.session.scalars(select(Case)).all()
    assert {c.organisation.name for c in cases} == {"Northwind Hosting", "Contoso Cloud"}
    assert {"new", "waiting_on_customer", "closed"} <= {c.status for c in cases}
    assert any(c.escalated for c in cases)
    count = len(cases)
    seed_all()
    db.session.commit()
    assert db.session.scalar(select(func.count(Case.id))) == count
