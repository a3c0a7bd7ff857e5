"""A Gold contact files a case with a log attached, sees its number and due time, and asks
for escalation in a reply, in a real browser checked by axe-core."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, Role
from tests.conftest import PASSWORD, make_contact, make_organisation, make_user
from tests.e2e.conftest import assert_accessible


def test_gold_contact_files_a_case_and_escalates_it_by_reply(page, tmp_path: Path):
    contoso = make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2030, 12, 31))
    make_contact(contoso, email="admin@gold.example.com")
    make_user("manager@support.example.com", Role.MANAGER, name="Maya Moreno")
    log = tmp_path / "xensource.log"
    log.write_text("Nov 25 10:00:01 host1 xapi: VM.start failed\n" * 50)

    page.goto("/login")
    page.get_by_label("Email").fill("admin@gold.example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/cases/new")
    page.get_by_role("heading", name="Open a support case").wait_for()
    assert_accessible(page)

    page.get_by_label("Subject").fill("Virtual machines fail to start")
    page.get_by_label("Description").fill("Since this morning no VM starts on host1.")
    page.get_by_label("Product").select_option("XenServer")
    # The version options follow the product: wait for XenServer's to be swapped in.
    page.wait_for_function("() => !document.querySelector('#version optgroup')")
    page.get_by_label("Version").select_option("5.0.0")
    page.get_by_label("P2 High").check()
    page.get_by_label("Attachments").set_input_files(str(log))
    page.get_by_role("button", name="Open the case").click()

    page.get_by_text("is open. We have mailed you").wait_for()
    case = db.session.scalar(select(Case))
    assert page.get_by_role("heading", name=f"Case {case.number}: Virtual machines").is_visible()
    assert "Due" in page.locator("#response-clock").inner_text()
    assert page.get_by_role("link", name="xensource.log").is_visible()
    assert_accessible(page)

    page.get_by_label("Add a message").fill("   ")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Write a message before sending").wait_for()  # swapped in by HTMX
    assert page.get_by_label("Add a message").get_attribute("aria-invalid") == "true"

    page.get_by_label("Add a message").fill("Still failing. Please, escalate!")
    page.get_by_role("button", name="Send message").click()
    page.locator("#case-escalated").wait_for()
    assert page.get_by_text("Still failing. Please, escalate!").is_visible()
    assert_accessible(page)
    db.session.expire_all()
    assert db.session.scalar(select(Case)).escalated
