"""Staff fixtures: a Gold customer's new P3 case to work on, filed through the service.

Contoso, its contact admin@gold.example.com and `make_case` are in tests/conftest.py.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from portal.models import Case, Organisation, User
from tests.conftest import TUESDAY_MORNING, make_case


def make_gold_p3_case(
    contact: User, organisation: Organisation, *, now: datetime = TUESDAY_MORNING, **fields: str
) -> Case:
    """A P3 case about a failing migration, filed through the service at ``now``, committed."""
    values = {
        "subject": "Migration fails",
        "description": "XenMotion error",
        "severity": "P3",
        "version": "4.1",
    } | fields
    return make_case(contact, organisation, now=now, **values)


@pytest.fixture
def gold_p3_case_new(gold_contact: User, contoso: Organisation) -> Case:
    """Contoso's P3 case, filed on TUESDAY_MORNING; nobody owns it yet."""
    return make_gold_p3_case(gold_contact, contoso)
