"""Faults survived, with real parts: a database that does not answer, a full disk, a deleted
index folder, a mail server that is down, a job worker killed mid-job."""

from __future__ import annotations

import io
import os
import socket
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.models import Attachment, Case
from tests.conftest import PASSWORD, _config, make_case


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
