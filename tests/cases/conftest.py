"""Case fixtures: support staff of each role and a Gold customer's new P2 case.

The organisations, their contacts and `make_case` are in tests/conftest.py.
"""

from __future__ import annotations

import pytest

from portal.models import Case, Role, User
from tests.conftest import make_case, make_user


@pytest.fixture
def tse(app) -> User:  # noqa: ANN001 - the app fixture
    return make_user("tse@support.example.com", Role.TSE, name="Tomas Tanaka")


@pytest.fixture
def manager(app) -> User:  # noqa: ANN001
    return make_user("manager@support.example.com", Role.MANAGER, name="Maya Moreno")


@pytest.fixture
def gold_p2_case_new(gold_contact: User, contoso) -> Case:  # noqa: ANN001
    """Contoso's P2 case, filed on TUESDAY_MORNING and not yet touched by support."""
    return make_case(gold_contact, contoso)
