"""Shared fixtures: a fresh app and database per test, a client, a CLI runner, people of each role,
a Base and a Gold customer organisation, and `make_case`, which files a case through the service.

The database is a real SQLite file, or the PostgreSQL database named by
PORTAL_TEST_DATABASE_URL (CI runs the suite on both).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.accounts import service as accounts
from portal.cases.filing import CaseDraft, file_case
from portal.extensions import db, limiter
from portal.models import Case, ContactKind, Organisation, Role, User
from portal.products.service import seed_standard_products

PASSWORD = "correct-horse-battery"
# A Tuesday at 08:00 in Los Angeles: inside both tiers' business hours.
TUESDAY_MORNING = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """The suite's database. Under pytest-xdist each worker gets its own: a SQLite file in its
    own temporary folder, or on PostgreSQL a database named after the worker beside the one
    PORTAL_TEST_DATABASE_URL names (created here, dropped at the end)."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.db'}"
    elif worker_id == "master":
        yield POSTGRES_URL
    else:
        with _worker_database(worker_id) as url:
            yield url


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build the schema once per run; each test then starts from empty tables."""
    app = create_app(_config(database_url, tmp_path_factory.mktemp("schema")))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


def _config(database_url: str, folder: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": str(folder / "index"),
        "UPLOAD_DIR": str(folder / "uploads"),
        "MAIL_DIR": str(folder / "mail"),
        "MAIL_BACKEND": "file",
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "portal.test",
        "BASE_URL": "http://portal.test",
        "MAIL_COALESCE_SECONDS": 0,  # each notice mails at once; tests/mail sets a window
        "SEARCH_LOG_FLUSH_SECONDS": 0,  # each search is written at once
        "KB_VIEW_FLUSH_SECONDS": 0,  # each reading is written at once; test_kb_browse batches
    }


def _empty_tables() -> None:
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_config() -> dict[str, object]:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(
    database_url: str, _schema: None, tmp_path: Path, app_config: dict[str, object]
) -> Iterator[Flask]:
    config = _config(database_url, tmp_path) | app_config
    app = create_app(config)
    with app.app_context():
        _empty_tables()
        # The standard products come with the schema (its data migration), so every test
        # starts with them, as a fresh installation does.
        seed_standard_products()
        db.session.commit()
        if app.config["RATELIMIT_ENABLED"]:
            limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


class FreshRequestClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as in production.

    The `app` fixture keeps one app context open for the whole test (so tests can use
    db.session), and Flask reuses it for requests; without this, the logged-in user or the
    API caller of one request would leak into the next.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - FlaskClient's signature
        from flask import g, has_app_context

        if has_app_context():
            for key in list(g):
                g.pop(key)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = FreshRequestClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def make_user(
    email: str = "someone@example.com",
    role: Role = Role.EVALUATION,
    name: str = "Sam Someone",
    password: str = PASSWORD,
) -> User:
    user = accounts.create_user(email, name, password, role=role)
    db.session.commit()
    return user


def make_organisation(
    name: str = "Northwind Hosting",
    tier: str = "base",
    starts_on: date = date(2026, 1, 1),
    ends_on: date = date(2099, 12, 31),
) -> Organisation:
    """An organisation with one agreement; by default one still in force whenever tests run
    (many views check the agreement against today's date, not an injected one)."""
    organisation = accounts.create_organisation(name)
    accounts.add_agreement(organisation, tier, starts_on, ends_on)
    db.session.commit()
    return organisation


def make_contact(
    organisation: Organisation,
    email: str = "contact@northwind.example.com",
    kinds: tuple[ContactKind, ...] = (ContactKind.SUPPORT_ADMIN,),
) -> User:
    user = make_user(email, role=Role.CUSTOMER, name="Casey Contact")
    for kind in kinds:
        accounts.grant_contact_role(user, organisation, kind)
    db.session.commit()
    return user


@pytest.fixture
def northwind(app: Flask) -> Organisation:
    """Northwind Hosting, on a Base agreement for 2026 and 2027."""
    return make_organisation("Northwind Hosting", "base", date(2026, 1, 1), date(2027, 12, 31))


@pytest.fixture
def contoso(app: Flask) -> Organisation:
    """Contoso Cloud, on a Gold agreement for 2026 and 2027."""
    return make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2027, 12, 31))


@pytest.fixture
def base_contact(northwind: Organisation) -> User:
    """admin@base.example.com, Northwind's Support Administrator."""
    return make_contact(northwind, email="admin@base.example.com")


@pytest.fixture
def gold_contact(contoso: Organisation) -> User:
    """admin@gold.example.com, Contoso's Support Administrator."""
    return make_contact(contoso, email="admin@gold.example.com")


def make_case(
    contact: User, organisation: Organisation, *, now: datetime = TUESDAY_MORNING, **fields: str
) -> Case:
    """A case filed through the filing service, as the web form files it, and committed.

    By default a P2 XenServer problem filed on TUESDAY_MORNING; ``fields`` override the draft.
    A test that needs another state moves the case on through the services (triage,
    conversation, closure), so every case a test sees is one the portal could have made.
    """
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


@contextmanager
def _postgres_database(name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database `name` beside the suite's, dropped afterwards; its URL.
    One left behind by a killed run is dropped first."""
    url = make_url(POSTGRES_URL)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _worker_database(worker_id: str):  # noqa: ANN202 - a context manager of the URL
    return _postgres_database(f"{make_url(POSTGRES_URL).database}_{worker_id}")


def temporary_postgres_database(prefix: str):  # noqa: ANN201 - a context manager of the URL
    """A new, empty PostgreSQL database beside the suite's, dropped afterwards; its URL."""
    return _postgres_database(f"{prefix}_{secrets.token_hex(4)}")


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block, for tests that hold a page's cost fixed."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # noqa: ANN001 - SQLAlchemy's hook
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = PASSWORD):  # noqa: ANN201 - a test response
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):  # noqa: ANN201
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


REQUIRE_POSTGRES = os.environ.get("PORTAL_REQUIRE_POSTGRES") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (runs on CI's PostgreSQL leg)")
    if REQUIRE_POSTGRES and not POSTGRES_URL:
        raise pytest.UsageError("PORTAL_REQUIRE_POSTGRES=1 but PORTAL_TEST_DATABASE_URL is unset")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL to run it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    """Say plainly what this run did not cover."""
    database = (
        "PostgreSQL" if POSTGRES_URL else "SQLite (set PORTAL_TEST_DATABASE_URL for PostgreSQL)"
    )
    skipped = terminalreporter.stats.get("skipped", [])
    browser = [r for r in skipped if "/e2e/" in str(getattr(r, "nodeid", ""))]
    terminalreporter.write_line(f"Database under test: {database}.")
    if browser:
        terminalreporter.write_line(
            f"Browser tests skipped: {len(browser)} (no Chromium; install Debian's chromium)."
        )
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} test(s) skipped in all; see the reasons above."
        )


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps what it receives; stop() and start() it
    to play a mail server going down and coming back on the same port."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.host = "127.0.0.1"
        self.messages: list = []  # email.message.EmailMessage, in arrival order
        self._controller = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 - aiosmtpd
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if self._controller is None:
            self._controller = Controller(self, hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A running SMTP server: `.port` to point MAIL_PORT at, `.messages` it received."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()
