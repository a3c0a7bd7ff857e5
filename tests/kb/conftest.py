"""KB fixtures: articles, the shipped corpus indexed, a KB engineer; searchers closed after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from portal import search
from portal.extensions import db
from portal.kb import service
from portal.kb.files import KB_FOLDER, import_folder
from portal.models import Article, Role, User
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _close_searchers() -> Iterator[None]:
    yield
    search.close_all()


def make_article(**overrides: object) -> Article:
    """A published article, committed and applied to the index."""
    data = {
        "title": "Attaching an NFS storage repository",
        "slug": "nfs-storage-repository",
        "product": "XenServer",
        "versions": ["4.1", "5.0"],
        "tags": ["storage", "nfs"],
        "summary": "Create and attach an NFS SR with xe sr-create.",
        "body": "## Steps\n\nRun `xe sr-create type=nfs` on the pool master.",
        "status": "published",
    } | overrides
    article, _ = service.save_article(None, data, None)
    db.session.commit()
    search.catch_up()
    return article


@pytest.fixture
def corpus(app) -> Path:  # noqa: ANN001 - the app fixture
    """The shipped kb_articles/ imported and indexed."""
    report = import_folder(KB_FOLDER)
    db.session.commit()
    assert not report.refused, report.refused
    search.rebuild()
    return KB_FOLDER


@pytest.fixture
def writer(app) -> User:  # noqa: ANN001
    return make_user("writer@example.com", Role.KB_ENGINEER, name="Wen Writer")
