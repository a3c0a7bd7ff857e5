"""Mail tests: a couple of extra templates, without adding test files to templates/mail."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, Organisation, OutgoingMail, Role, User
from tests.conftest import TUESDAY_MORNING, make_case, make_contact, make_organisation, make_user

TEST_TEMPLATES = {
    "mail/test_text_only.txt": "Hello {{ name }}, your case is {{ case_url }}.",
    "mail/test_links.txt": "Home: {{ url_for('pages.home', _external=True) }}",
    "mail/test_links.html": (
        '{% extends "mail/_layout.html" %}{% block content %}'
        "<a href=\"{{ url_for('pages.home', _external=True) }}\">{{ name }}</a>"
        "{% endblock %}"
    ),
}


@pytest.fixture
def mail_templates(app: Flask) -> Flask:
    """The app, able to render the TEST_TEMPLATES as well as the real mail templates."""
    app.jinja_env.loader = ChoiceLoader([DictLoader(TEST_TEMPLATES), app.jinja_env.loader])
    return app


# People and a case for the case-mail tests (a Gold organisation, its Support Administrator
# in Los Angeles, a TSE and a manager), filed through the service as the web would.
FILED = TUESDAY_MORNING  # Tuesday 08:00 in Los Angeles


@pytest.fixture
def contoso(app: Flask) -> Organisation:
    return make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2027, 12, 31))


@pytest.fixture
def customer(contoso: Organisation) -> User:
    user = make_contact(contoso, email="admin@gold.example.com")
    user.timezone = "America/Los_Angeles"
    db.session.commit()
    return user


@pytest.fixture
def tse(app: Flask) -> User:
    return make_user("tse@support.example.com", Role.TSE, name="Tomas Tanaka")


@pytest.fixture
def manager(app: Flask) -> User:
    user = make_user("manager@support.example.com", Role.MANAGER, name="Maya Moreno")
    user.timezone = "Europe/London"
    db.session.commit()
    return user


@pytest.fixture
def case(customer: User, contoso: Organisation) -> Case:
    return file_case_for(customer, contoso)


def file_case_for(contact: User, organisation: Organisation, **fields: str) -> Case:
    """A case filed through the service on Tuesday morning (the suite's `make_case`)."""
    return make_case(contact, organisation, now=FILED, **fields)


def outbox(recipient: str | None = None) -> list[OutgoingMail]:
    query = select(OutgoingMail).order_by(OutgoingMail.id)
    if recipient:
        query = query.where(OutgoingMail.recipient == recipient)
    return list(db.session.scalars(query))


def deliver_queued() -> None:
    """Send every queued mail through the configured backend, as the job runner would."""
    from portal.mail.delivery import send_mail
    from portal.models.types import utcnow

    for mail in outbox():
        if mail.status == "queued":
            send_mail({"mail_id": mail.id}, utcnow())
    db.session.commit()


def delivered(app: Flask) -> list[EmailMessage]:
    """Every .eml the file backend wrote (in sending order), parsed as a mail client would."""
    folder = Path(app.config["MAIL_DIR"])
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]
