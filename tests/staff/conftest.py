"""Staff fixtures: a Gold customer's case to work on, built straight from the model."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import Case
from portal.models.types import utcnow
from tests.conftest import make_contact, make_organisation


def make_gold_case(number: str, **fields: object) -> Case:
    """An open Gold P3 case for gold@example.com at Contoso Cloud, committed."""
    org = make_organisation("Contoso Cloud", tier="gold")
    contact = make_contact(org, email="gold@example.com")
    now = utcnow()
    values = {
        "number": number,
        "organisation": org,
        "contact": contact,
        "subject": "Migration fails",
        "description": "XenMotion error",
        "product": "XenServer",
        "version": "4.1",
        "customer_severity": "P3",
        "severity": "P3",
        "tier": "gold",
        "status": "new",
        "filed_at": now,
        "response_due_at": now + timedelta(hours=13),
    } | fields
    case = Case(**values)
    db.session.add(case)
    db.session.commit()
    return case


@pytest.fixture
def gold_case(app) -> Case:
    return make_gold_case("00000200")
