"""Forum fixtures named for what they build: categories, people of each kind, topics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask

from portal.extensions import db
from portal.forums import service
from portal.forums.seed import ensure_categories
from portal.models import Category, Role, Topic, User
from tests.conftest import count_statements as shared_count_statements
from tests.conftest import make_user


@pytest.fixture
def categories(app: Flask) -> list[Category]:
    ensure_categories()
    db.session.commit()
    return service.all_categories()


@pytest.fixture
def storage(categories: list[Category]) -> Category:
    return service.find_category("storage")


@pytest.fixture
def asker(app: Flask) -> User:
    return make_user("asker@example.com", Role.CUSTOMER, name="Avery Asker")


@pytest.fixture
def helper_user(app: Flask) -> User:
    return make_user("helper@example.com", Role.EVALUATION, name="Hana Helper")


@pytest.fixture
def moderator_user(app: Flask) -> User:
    return make_user("tse@example.com", Role.TSE, name="Tomas Tse")


@pytest.fixture
def topic_with_reply(storage: Category, asker: User, helper_user: User) -> tuple[Topic, object]:
    topic = service.create_topic(storage, asker, "SR detached after reboot", "It is detached.")
    post = service.reply(topic, helper_user, "Use **Repair** on the repository.")
    db.session.commit()
    return topic, post


@pytest.fixture
def topic_locked(topic_with_reply: tuple[Topic, object]) -> Topic:
    topic = topic_with_reply[0]
    topic.locked = True
    db.session.commit()
    return topic


@contextmanager
def count_statements() -> Iterator[Callable[[], int]]:
    """How many SQL statements ran inside the block, as a callable."""
    with shared_count_statements() as seen:
        yield lambda: len(seen)


@pytest.fixture
def statements() -> Callable[..., object]:
    return count_statements
