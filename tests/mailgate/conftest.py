"""Mail gateway fixtures: the case-mail people and case, the mail a case sent, and a way to
pipe a message through `flask mail receive`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select

from portal import search
from portal.extensions import db
from portal.models import Case, IncomingMail, OutgoingMail
from tests.mail.conftest import case, contoso, customer, manager, tse  # noqa: F401

__all__ = ["case", "contoso", "customer", "manager", "tse"]


@pytest.fixture(autouse=True)
def _close_searchers() -> Iterator[None]:
    yield
    search.close_all()


def last_case_mail(case: Case) -> OutgoingMail:  # noqa: F811 - a case, not the fixture
    return db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.case_id == case.id).order_by(OutgoingMail.id)
    ).all()[-1]


def pipe(app: Flask, raw: bytes) -> Result:
    """Run `flask mail receive` with ``raw`` on standard input, as an MTA pipe does."""
    result = app.test_cli_runner().invoke(args=["mail", "receive"], input=raw)
    db.session.expire_all()
    return result


def received() -> list[IncomingMail]:
    return list(db.session.scalars(select(IncomingMail).order_by(IncomingMail.id)))
