"""Fixtures for case tests: a Base and a Gold organisation with their Support Administrators,
staff of each role, and a helper that files a case through the service."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal.cases.filing import CaseDraft, file_case
from portal.extensions import db
from portal.models import Case, Role
from tests.conftest import make_contact, make_organisation, make_user

# A Tuesday at 08:00 in Los Angeles: inside both tiers' business hours.
TUESDAY_MORNING = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


@pytest.fixture
def northwind(app):
    return make_organisation("Northwind Hosting", "base", date(2026, 1, 1), date(2027, 12, 31))


@pytest.fixture
def contoso(app):
    return make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2027, 12, 31))


@pytest.fixture
def base_contact(northwind):
    return make_contact(northwind, email="admin@base.example.com")


@pytest.fixture
def gold_contact(contoso):
    return make_contact(contoso, email="admin@gold.example.com")


@pytest.fixture
def tse(app):
    return make_user("tse@support.example.com", Role.TSE, name="Tomas Tanaka")


@pytest.fixture
def manager(app):
    return make_user("manager@support.example.com", Role.MANAGER, name="Maya Moreno")


def file_for(contact, organisation, now=TUESDAY_MORNING, **fields) -> Case:
    values = {
        "subject": "VMs lose network after migration",
        "description": "After XenMotion the guest has no network until rebooted.",
        "severity": "P2",
        "product": "XenServer",
        "version": "5.0.0",
    } | fields
    case = file_case(contact, organisation, CaseDraft(**values), now=now)
    db.session.commit()
    return case


@pytest.fixture
def gold_case(gold_contact, contoso):
    return file_for(gold_contact, contoso)


@pytest.fixture
def base_case(base_contact, northwind):
    return file_for(base_contact, northwind)
