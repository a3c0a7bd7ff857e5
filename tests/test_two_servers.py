"""Two app servers behind one database agree: search, rate limits, case numbers, sessions.

Each server is its own gunicorn with its own instance and index folders, beside its own
`flask jobs worker`, as ARCHITECTURE.md's scale-out describes; they share one PostgreSQL
database (a new one, dropped afterwards) and the rate-limit counters in Redis.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.conftest import temporary_postgres_database

# It shares the machine's Redis with the rate-limit tests: one pytest-xdist worker runs them all.
pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("redis")]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "correct-horse-battery"
WRITER = "writer@example.com"
CUSTOMER = "admin@gold.example.com"
LOGIN_LIMIT = 3  # free failed logins per account and address, counted across both servers


@dataclass
class Server:
    name: str
    url: str
    env: dict[str, str]

    def call(
        self, method: str, path: str, body: object = None, token: str = ""
    ) -> tuple[int, dict]:
        """A JSON API call; the status and the decoded answer."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def token(self, email: str) -> str:
        status, answer = self.call("POST", "/api/v1/tokens", {"email": email, "password": PASSWORD})
        assert status == 201, answer
        return answer["token"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A database of the servers' own: the suite's is emptied by other tests as they run."""
    with temporary_postgres_database("portal_two_servers") as url:
        yield url


def _environment(database_url: str, folder: Path, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        {
            "PORTAL_INSTANCE_PATH": str(folder),
            "PORTAL_SQLALCHEMY_DATABASE_URI": database_url,
            "PORTAL_INDEX_DIR": str(folder / "index"),
            "PORTAL_UPLOAD_DIR": str(folder / "uploads"),
            "PORTAL_MAIL_DIR": str(folder / "mail"),
            "PORTAL_SECRET_KEY": "shared-by-every-server",
            "PORTAL_RATELIMIT_STORAGE_URI": REDIS_URL,
            "PORTAL_RATELIMIT_KEY_PREFIX": prefix,
            "PORTAL_LOGIN_FREE_ATTEMPTS": str(LOGIN_LIMIT),
            "PORTAL_BASE_URL": "http://127.0.0.1",
            "PORTAL_JOBS_POLL_SECONDS": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _seed(database_url: str, folder: Path) -> None:
    """The schema by migration, a Gold customer and a KB engineer (in this process: faster)."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts import service as accounts
    from portal.extensions import db
    from portal.models import ContactKind, Role

    app = create_app(
        {"SECRET_KEY": "seed", "SQLALCHEMY_DATABASE_URI": database_url,
         "INDEX_DIR": str(folder / "index")}
    )  # fmt: skip
    today = date.today()
    with app.app_context():
        upgrade()
        organisation = accounts.create_organisation("Contoso Cloud")
        accounts.add_agreement(organisation, "gold", today - timedelta(30), today + timedelta(300))
        customer = accounts.create_user(CUSTOMER, "Gustav Goldberg", PASSWORD, role=Role.CUSTOMER)
        accounts.grant_contact_role(customer, organisation, ContactKind.SUPPORT_ADMIN)
        accounts.create_user(WRITER, "Wen Writer", PASSWORD, role=Role.KB_ENGINEER)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def servers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    prefix = f"two-servers-{secrets.token_hex(4)}"
    folders = [tmp_path_factory.mktemp(f"server-{name}") for name in "ab"]
    envs = [_environment(database_url, folder, prefix) for folder in folders]
    _seed(database_url, tmp_path_factory.mktemp("seed"))
    processes: list[subprocess.Popen] = []
    logs = []
    found: list[Server] = []
    try:
        for name, env, folder in zip("ab", envs, folders, strict=True):
            port = _free_port()
            log = open(folder / "server.log", "w")  # noqa: SIM115 - closed with the process
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [
                        str(BIN / "gunicorn"),
                        "--workers",
                        "2",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "app:app",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
            processes.append(
                subprocess.Popen(
                    [str(BIN / "flask"), "--app", "app", "jobs", "worker"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
            found.append(Server(name, f"http://127.0.0.1:{port}", env))
        for server, process in zip(found, processes[::2], strict=True):
            _wait_until_up(server.url, process)
        yield found
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{prefix}*"):  # Flask-Limiter adds "LIMITS:LIMITER/"
            client.delete(key)
        client.close()


def test_an_article_published_on_one_server_is_searchable_on_the_other_within_two_seconds(
    servers: list[Server],
) -> None:
    a, b = servers
    word = f"zq{secrets.token_hex(4)}"  # a word no other article has
    status, article = a.call(
        "POST",
        "/api/v1/kb/articles",
        {"title": f"Pool master failover {word}", "body": f"Promote a new master ({word}).",
         "product": "XenServer", "status": "published"},
        token=a.token(WRITER),
    )  # fmt: skip
    assert status == 201, article
    published = time.monotonic()
    while True:
        status, answer = b.call("GET", f"/api/v1/kb/search?q={word}")
        assert status == 200, answer
        if answer["total"]:
            break
        assert time.monotonic() - published < 2.0, "not searchable on the other server in 2 s"
        time.sleep(0.05)
    assert answer["results"][0]["slug"] == article["slug"]


def test_a_rate_limit_reached_on_one_server_holds_on_the_other(servers: list[Server]) -> None:
    a, b = servers
    wrong = {"email": "guesser@example.com", "password": "not-the-password"}
    for _ in range(LOGIN_LIMIT):
        assert a.call("POST", "/api/v1/tokens", wrong)[0] == 401
    status, answer = b.call("POST", "/api/v1/tokens", wrong)
    assert status == 429, answer


def test_one_hundred_filings_across_both_servers_get_one_hundred_different_numbers(
    servers: list[Server],
) -> None:
    tokens = {server.name: server.token(CUSTOMER) for server in servers}

    def file(index: int) -> tuple[int, dict]:
        server = servers[index % 2]
        return server.call(
            "POST",
            "/api/v1/cases",
            {"subject": f"Host {index} lost its storage", "description": "After a reboot.",
             "severity": "P3", "product": "XenServer", "version": "5.0"},
            token=tokens[server.name],
        )  # fmt: skip

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(file, range(100)))
    assert [status for status, _ in answers] == [201] * 100, answers[:3]
    numbers = {answer["number"] for _, answer in answers}
    assert len(numbers) == 100


def test_a_session_made_on_one_server_is_valid_on_the_other(servers: list[Server]) -> None:
    a, b = servers
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = browser.open(f"{a.url}/login").read().decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    form = {"email": WRITER, "password": PASSWORD, "csrf_token": token}
    browser.open(f"{a.url}/login", data=urllib.parse.urlencode(form).encode()).read()
    assert any(cookie.name == "session" for cookie in jar)

    # The same cookies, sent to the other server (the jar is per host and port).
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    request = urllib.request.Request(f"{b.url}/account/", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert response.url.endswith("/account/"), "sent to log in again"
        assert "Wen Writer" in response.read().decode()


def test_logging_out_on_one_server_ends_the_session_on_the_other(servers: list[Server]) -> None:
    a, b = servers
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = browser.open(f"{a.url}/login").read().decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    form = {"email": WRITER, "password": PASSWORD, "csrf_token": token}
    browser.open(f"{a.url}/login", data=urllib.parse.urlencode(form).encode()).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)  # copied before logging out
    page = browser.open(f"{a.url}/account/").read().decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    browser.open(f"{a.url}/logout", data=urllib.parse.urlencode({"csrf_token": token}).encode())

    request = urllib.request.Request(f"{b.url}/account/", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert "/login" in response.url, "the replayed cookie still worked after logout"
