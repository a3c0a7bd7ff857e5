"""Job tests register handlers of their own; the registry is restored after each test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from portal.jobs.registry import isolated_registry

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_jobs_registry() -> Iterator[None]:
    with isolated_registry():
        yield


@pytest.fixture
def now() -> datetime:
    """A Monday morning; every test's clock is explicit."""
    return NOW
