"""Faults survived, with real parts: a database that does not answer, a full disk, a deleted
index folder, a mail server that is down, a job worker killed mid-job."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from portal import create_app
from tests.conftest import _config


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
