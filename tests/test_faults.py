"""Faults survived, with real parts: a database that does not answer, a full disk, a deleted
index folder, a mail server that is down, a job worker killed mid-job."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal import create_app, search
from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.kb import service as kb_service
from portal.mail import queue_mail
from portal.models import Attachment, Case, Job, OutgoingMail
from portal.models.types import utcnow
from portal.search.searcher import REFRESH_SECONDS
from tests.conftest import PASSWORD, SmtpSink, _config, make_case

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable_app(tmp_path: Path):  # noqa: ANN201
    """The portal pointed at a PostgreSQL server on a port where nothing listens."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/portal"
    config = _config(url, tmp_path) | {
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}
    }
    app = create_app(config)
    yield app
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()


@pytest.mark.parametrize(
    "path", ["/healthz", "/kb/", "/kb/search?q=boot", "/forums/", "/ideas/", "/support/"]
)
def test_pages_answer_503_while_the_database_is_unreachable(unreachable_app, path) -> None:  # noqa: ANN001
    client = unreachable_app.test_client()
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    if path == "/healthz":
        assert response.get_json()["status"] == "unavailable"
    else:
        assert response.headers["Retry-After"].isdigit()
        assert "briefly unavailable" in body and len(body) < 2000
        assert "psycopg" not in body and "127.0.0.1" not in body


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/cases"), ("GET", "/api/v1/kb/search?q=boot"), ("POST", "/api/v1/tokens")],
)
def test_the_api_answers_a_json_503_while_the_database_is_unreachable(
    unreachable_app,
    method,
    path,  # noqa: ANN001
) -> None:
    client = unreachable_app.test_client()
    response = client.open(
        path,
        method=method,
        headers={"Authorization": "Bearer some-token"},
        json={"email": "a@example.com", "password": "x"} if method == "POST" else None,
    )
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"].isdigit()


def test_a_form_post_answers_503_while_the_database_is_unreachable(unreachable_app) -> None:  # noqa: ANN001
    response = unreachable_app.test_client().post(
        "/login", data={"email": "a@example.com", "password": "x"}
    )
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)


# --- The disk full while saving an attachment ------------------------------------------------


@pytest.fixture
def full_disk(app):  # noqa: ANN001, ANN201 - the app fixture
    """UPLOAD_DIR on a real 128 KiB tmpfs, so a larger file hits ENOSPC for real."""
    root = Path(app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(root)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    yield root
    subprocess.run(["umount", "-l", str(root)], check=True)


FILING = {
    "subject": "Host crashes during backup",
    "description": "Every night at 02:00 the host reboots while the backup job runs.",
    "severity": "P2",
    "product": "XenServer",
    "version": "5.0.0",
    "recent_changes": "New backup software installed on Monday.",
}


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_full_disk_refuses_the_filing_keeps_the_form_and_saves_nothing(
    client,
    auth,
    gold_contact,
    full_disk,  # noqa: ANN001
) -> None:
    auth.login("admin@gold.example.com")
    data = FILING | {
        "attachments": [
            (io.BytesIO(b"small log\n" * 4000), "small.log"),  # 40 KB: fits
            (io.BytesIO(os.urandom(300_000)), "core.dump"),  # 300 KB: the disk fills
        ]
    }
    response = client.post("/cases/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 507
    html = response.get_data(as_text=True)
    assert "file storage is full" in html
    assert FILING["description"] in html and FILING["recent_changes"] in html
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert _stored_files(full_disk) == []  # neither the half-written dump nor the small log


def test_a_full_disk_refuses_an_api_attachment_as_json(
    client,
    gold_contact,
    contoso,
    full_disk,  # noqa: ANN001
) -> None:
    case = make_case(gold_contact, contoso)
    token = client.post(
        "/api/v1/tokens", json={"email": "admin@gold.example.com", "password": PASSWORD}
    ).get_json()["token"]
    response = client.post(
        f"/api/v1/cases/{case.number}/attachments",
        data={"file": (io.BytesIO(os.urandom(300_000)), "core.dump")},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 507
    assert response.get_json()["error"]["code"] == "insufficient_storage"
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert _stored_files(full_disk) == []


# --- The mail server stopped while cases are filed, then started ------------------------------


@pytest.fixture
def smtp_app(app, smtp_sink):  # noqa: ANN001, ANN201 - the app and the conftest SmtpSink
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER=smtp_sink.host, MAIL_PORT=smtp_sink.port)
    return app


def _by_message_id(messages: list) -> Counter[str]:  # noqa: ANN001
    return Counter(message["Message-ID"] for message in messages)


def test_mail_queued_while_the_smtp_server_is_down_is_delivered_exactly_once(
    smtp_app,
    smtp_sink,
    gold_contact,
    contoso,  # noqa: ANN001
) -> None:
    smtp_sink.stop()
    for n in range(3):
        make_case(gold_contact, contoso, subject=f"Host {n} crashes during backup")
    queued = db.session.scalars(select(OutgoingMail)).all()
    assert len(queued) >= 3  # an acknowledgement per case at least
    now = utcnow()
    for minutes in (0, 1, 5, 30):  # passes while the server is down: each try fails, is kept
        report = run_pass(now=now + timedelta(minutes=minutes))
        assert report is not None
    assert smtp_sink.messages == []
    assert db.session.scalar(select(func.count()).where(Job.status == "failed")) == 0

    smtp_sink.start()
    for hours in (1, 2, 6, 24, 48):  # every later pass, past every back-off
        run_pass(now=now + timedelta(hours=hours))

    db.session.expire_all()
    sent = db.session.scalars(select(OutgoingMail)).all()
    assert {mail.status for mail in sent} == {"sent"}
    counts = _by_message_id(smtp_sink.messages)
    assert counts == Counter({mail.message_id: 1 for mail in sent})


# --- A job worker killed mid-job ----------------------------------------------------------------


class SlowSmtpSink(SmtpSink):
    """An SMTP server that stalls the first conversation at MAIL FROM (before any message is
    accepted), as a hung mail relay does, and answers promptly once `release()` is called."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = threading.Event()
        self._released = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, options) -> str:  # noqa: ANN001
        if not self._released.is_set():
            self.stalled.set()
            while not self._released.is_set():
                await asyncio.sleep(0.05)
        envelope.mail_from = address
        return "250 OK"

    def release(self) -> None:
        self._released.set()


def _worker_env(app, folder: Path, smtp: SmtpSink) -> dict[str, str]:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        {
            "PORTAL_INSTANCE_PATH": str(folder),
            "PORTAL_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PORTAL_INDEX_DIR": app.config["INDEX_DIR"],
            "PORTAL_UPLOAD_DIR": app.config["UPLOAD_DIR"],
            "PORTAL_MAIL_DIR": app.config["MAIL_DIR"],
            "PORTAL_SECRET_KEY": "test-secret",
            "PORTAL_BASE_URL": app.config["BASE_URL"],
            "PORTAL_MAIL_BACKEND": "smtp",
            "PORTAL_MAIL_SERVER": smtp.host,
            "PORTAL_MAIL_PORT": str(smtp.port),
            "PORTAL_JOBS_POLL_SECONDS": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def test_a_job_whose_worker_is_killed_runs_again_after_its_lease_and_mails_once(
    app,
    tmp_path,  # noqa: ANN001
) -> None:
    sink = SlowSmtpSink()
    sink.start()
    try:
        mail = queue_mail(
            "sam@example.com",
            "password_reset",
            subject="Reset your support portal password",
            user=SimpleNamespace(name="Sam Someone"),
            reset_url="http://portal.test/reset-password/abc123",
            expires_minutes=60,
        )
        db.session.commit()
        worker = subprocess.Popen(
            [str(BIN / "flask"), "--app", "app", "jobs", "worker"],
            cwd=ROOT,
            env=_worker_env(app, tmp_path / "worker", sink),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert sink.stalled.wait(60), "the worker never reached the mail server"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)

        db.session.expire_all()
        [job] = db.session.scalars(select(Job)).all()
        assert job.status == "running" and sink.messages == []  # killed mid-job

        sink.release()
        app.config.update(
            MAIL_BACKEND="smtp", MAIL_SERVER=sink.host, MAIL_PORT=sink.port, JOBS_LEASE_SECONDS=30
        )
        run_pass(now=utcnow() + timedelta(seconds=10))  # within the lease: left alone
        db.session.expire_all()
        assert db.session.get(Job, job.id).status == "running"

        report = run_pass(now=utcnow() + timedelta(seconds=31))  # past it: run again
        assert report.jobs_reclaimed == 1
        db.session.expire_all()
        job = db.session.get(Job, job.id)
        assert job.status == "done" and job.attempts == 1
        assert db.session.get(OutgoingMail, mail.id).status == "sent"
        run_pass(now=utcnow() + timedelta(hours=1))
        assert _by_message_id(sink.messages) == Counter({mail.message_id: 1})
    finally:
        sink.stop()


# --- The index folder deleted while running ----------------------------------------------------


@pytest.fixture
def kb_article(app):  # noqa: ANN001, ANN201 - the app fixture
    """A published article about XenMotion; the searchers this test opened closed after."""
    article, _ = kb_service.save_article(
        None,
        {
            "title": "Guests lose their network after XenMotion",
            "slug": "xenmotion-network",
            "product": "XenServer",
            "versions": ["5.0"],
            "tags": ["networking"],
            "summary": "Reboot the guest or reinstall the tools after migrating it.",
            "body": "After a XenMotion migration the guest has no network until rebooted.",
            "status": "published",
        },
        None,
    )
    db.session.commit()
    yield article
    search.close_all()


def test_a_deleted_index_says_it_is_rebuilding_and_comes_back_by_itself(
    app,
    client,
    kb_article,  # noqa: ANN001
) -> None:
    folder = Path(app.config["INDEX_DIR"])
    run_pass(now=utcnow())  # the runner's catch-up builds the index
    assert client.get("/api/v1/kb/search?q=xenmotion").get_json()["total"] == 1

    shutil.rmtree(folder)
    time.sleep(REFRESH_SECONDS + 0.1)  # a searcher looks at its folder at most this often

    page = client.get("/kb/?q=xenmotion")
    assert page.status_code == 200
    assert "Search is being rebuilt" in page.get_data(as_text=True)
    answer = client.get("/api/v1/kb/search?q=xenmotion")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["rebuilding"] is True and "rebuilt" in body["message"] and body["total"] == 0

    run_pass(now=utcnow())  # the runner's next round rebuilds it from the database

    body = client.get("/api/v1/kb/search?q=xenmotion").get_json()
    assert body["rebuilding"] is False and body["total"] == 1
    assert "Search is being rebuilt" not in client.get("/kb/?q=xenmotion").get_data(as_text=True)
