"""Under the Content-Security-Policy, in Chromium: the key pages and their HTMX interactions
still work (as-you-type KB search, the filing form's suggestions and its upload, an engineer's
tools on a case) and the browser reports no violation of the policy on any of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import search
from portal.extensions import db
from portal.models import Case, Role
from portal.models.types import utcnow
from portal.security_headers import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD, make_case, make_contact, make_organisation, make_user
from tests.e2e.screens import DESK, PHONE, check_screen
from tests.kb.conftest import make_article

# Chromium reports a blocked inline style or script, eval or framing as a console error that
# names the policy: "Refused to apply inline style because it violates the following Content
# Security Policy directive: ...".
VIOLATION = re.compile(r"Content[ -]Security[ -]Policy", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _close_searchers() -> Iterator[None]:
    yield
    search.close_all()


@pytest.fixture
def violations(page) -> list[str]:  # noqa: ANN001
    """What the browser says about the policy while the test runs (errors thrown included)."""
    found: list[str] = []

    def note(message) -> None:  # noqa: ANN001 - a Playwright ConsoleMessage
        if VIOLATION.search(message.text):
            where = message.location
            found.append(f"{page.url}: {message.text} ({where['url']}:{where['lineNumber']})")

    page.on("console", note)
    page.on("pageerror", lambda error: found.append(f"uncaught: {error}"))
    return found


@pytest.fixture
def contoso_case():
    """A Gold organisation with its Support Administrator, a manager, a TSE and one new case."""
    contoso = make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2099, 12, 31))
    contact = make_contact(contoso, email="admin@gold.example.com")
    make_user("manager@support.example.com", Role.MANAGER, name="Maya Moreno")
    make_user("tse@support.example.com", Role.TSE, name="Tomas Tse")
    make_article(
        slug="iscsi-sr", title="Attaching an iSCSI storage repository", tags=["storage", "iscsi"]
    )
    return make_case(contact, contoso, now=utcnow(), subject="Storage offline", severity="P2")


def _log_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(?!login)"))


def test_the_policy_is_the_one_the_browser_gets(page, live_server):  # noqa: ANN001
    response = page.goto("/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("width", [DESK, PHONE], ids=["desk", "phone"])
def test_home_and_kb_search_as_you_type_run_under_the_policy(page, violations, contoso_case, width):
    page.set_viewport_size(width)
    page.goto("/")
    check_screen(page, "home under csp")
    page.goto("/kb/")
    indicator = page.locator("#kb-searching")
    assert not indicator.is_visible()  # app.css hides it, as htmx's own style did
    page.get_by_label("Search articles, documentation and forum threads").fill("iscsi")
    page.wait_for_url(re.compile(r"/kb/\?q=iscsi"))
    page.locator("#kb-results .kb-hit").get_by_role(
        "link", name="Attaching an iSCSI storage repository"
    ).first.wait_for()
    check_screen(page, "kb search under csp", "#kb-results")
    assert violations == [], "\n".join(violations)


def test_the_filing_form_suggests_answers_and_uploads_under_the_policy(
    page, violations, contoso_case, tmp_path: Path
):
    page.set_viewport_size(DESK)
    _log_in(page, "admin@gold.example.com")
    page.goto("/cases/new")
    page.get_by_label("Subject").fill("iSCSI storage repository will not attach")
    page.locator("#deflection").get_by_role(
        "link", name="Attaching an iSCSI storage repository"
    ).wait_for()
    check_screen(page, "filing form suggestions under csp", "#case-form")
    log = tmp_path / "xensource.log"
    log.write_text("Nov 25 10:00:01 host1 xapi: SR.attach failed\n" * 50)
    page.get_by_label("Description").fill("The SR shows as detached after a reboot.")
    page.get_by_label("Product").select_option("XenServer")
    page.get_by_label("Version").select_option("5.0.0")
    page.get_by_label("P3 Medium").check()
    page.get_by_label("Attachments").set_input_files(str(log))
    page.get_by_role("button", name="Open the case").click()  # app.js sends it with progress
    page.get_by_text("is open. We have mailed you").wait_for()
    assert page.get_by_role("link", name="xensource.log").is_visible()
    filed = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
    assert filed.subject == "iSCSI storage repository will not attach"
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("width", [DESK, PHONE], ids=["desk", "phone"])
def test_an_engineers_htmx_tools_work_under_the_policy(page, violations, contoso_case, width):
    page.set_viewport_size(width)
    _log_in(page, "tse@support.example.com")
    page.goto(f"/cases/{contoso_case.number}")
    check_screen(page, "staff case under csp", "#facts-heading")
    page.get_by_role("button", name="Take this case").click()
    page.get_by_text("The case is yours.").wait_for()
    page.get_by_label("Move to").select_option(label="Waiting on customer")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text("The status is changed.").wait_for()
    page.locator("#staff-reply").fill("Please send the output of `xe sr-list`.")
    page.get_by_role("button", name="Preview").click()
    page.locator("#reply-preview code", has_text="xe sr-list").wait_for()
    assert violations == [], "\n".join(violations)


def test_the_check_sees_a_violation(page, violations, live_server):  # noqa: ANN001
    # The same page with an inline style added: the browser refuses it and says so.
    page.goto("/")
    page.evaluate(
        "() => { const p = document.createElement('div');"
        " p.innerHTML = '<p style=\"color: red\">x</p>'; document.body.append(p); }"
    )
    page.wait_for_timeout(200)
    assert violations and "style" in violations[0]
