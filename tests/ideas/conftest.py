"""Idea fixtures: people of each kind, an idea with its author's terms accepted."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.extensions import db
from portal.ideas import service
from portal.models import Idea, Role, User
from tests.conftest import make_user


@pytest.fixture
def suggester(app: Flask) -> User:
    return make_user("suggester@example.com", Role.EVALUATION, name="Sol Suggester")


@pytest.fixture
def voter(app: Flask) -> User:
    return make_user("voter@example.com", Role.EVALUATION, name="Vic Voter")


@pytest.fixture
def product_manager(app: Flask) -> User:
    return make_user("pm@example.com", Role.PRODUCT_MANAGER, name="Priya Pm")


@pytest.fixture
def idea(suggester: User) -> Idea:
    created = service.create_idea(suggester, "Scheduled snapshots", "Nightly, per VM.", True)
    db.session.commit()
    return created


@pytest.fixture
def statements_counter():  # noqa: ANN201 - a context manager factory
    from tests.forums.conftest import count_statements

    return count_statements
