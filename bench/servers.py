"""What the benchmarks run against: a temporary PostgreSQL database, the portal's CLI, gunicorn.

Everything is local (127.0.0.1) and temporary: the database is created for the run and
dropped after it, servers are stopped when their `with` block ends.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The server that creates the temporary database (trust auth on the benchmark machine).
ADMIN_URL = os.environ.get("PORTAL_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_available() -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(f"{ADMIN_URL}/postgres")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


@contextmanager
def temporary_postgres(prefix: str = "portal_bench") -> Iterator[str]:
    """A new empty database; its URL is yielded and it is dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(f"{ADMIN_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{ADMIN_URL}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def kept_postgres(name: str, *, fresh: bool = False) -> str:
    """The URL of database `name`, created (empty) if missing or `fresh`; it is kept after."""
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{ADMIN_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).scalar()
        if exists and fresh:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if fresh or not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{ADMIN_URL}/{name}"


def portal_env(database_url: str, folder: Path, **extra: str) -> dict[str, str]:
    """The environment of one portal server (or CLI run) with its own instance folder."""
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "PORTAL_INSTANCE_PATH": str(folder),
            "PORTAL_SQLALCHEMY_DATABASE_URI": database_url,
            "PORTAL_INDEX_DIR": str(folder / "index"),
            "PORTAL_UPLOAD_DIR": str(folder / "uploads"),
            "PORTAL_MAIL_DIR": str(folder / "mail"),
            "PORTAL_SECRET_KEY": "bench-secret-key",
            "PORTAL_RATELIMIT_ENABLED": "false",
            "PORTAL_BASE_URL": "http://127.0.0.1",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def flask(env: dict[str, str], *args: str, quiet: bool = True) -> str:
    """Run `flask --app app ARGS` in the repository; its output, or an error with it."""
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    if not quiet:
        print(result.stdout, end="")
    return result.stdout


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], *, workers: int = 2, ready_path: str = "/"
) -> Iterator[str]:
    """gunicorn serving `app` (module:variable) on a free loopback port; yields its base URL."""
    port = free_port()
    log = open(Path(env.get("PORTAL_INSTANCE_PATH", "/tmp")) / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "256",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + ready_path)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
