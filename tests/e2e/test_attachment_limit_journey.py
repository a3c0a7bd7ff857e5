"""An oversized attachment is refused in the browser before sending, so nothing typed is lost."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Case
from tests.conftest import PASSWORD, make_contact, make_organisation
from tests.e2e.conftest import assert_accessible


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True, "SERVER_NAME": None, "MAX_ATTACHMENT_BYTES": 4096}


def test_a_file_over_the_limit_is_refused_before_the_form_is_sent(page, tmp_path: Path):
    contoso = make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2030, 12, 31))
    make_contact(contoso, email="admin@gold.example.com")
    dump = tmp_path / "crash-dump.tar.gz"
    dump.write_bytes(b"\0" * 50_000)
    log = tmp_path / "xensource.log"
    log.write_text("Nov 25 10:00:01 host1 xapi: VM.start failed\n" * 20)

    page.goto("/login")
    page.get_by_label("Email").fill("admin@gold.example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/cases/new")
    page.get_by_label("Subject").fill("Host crashed overnight")
    page.get_by_label("Description").fill("A long description we would hate to type twice.")
    page.get_by_label("Product").select_option("XenServer")
    # The version options follow the product: wait for XenServer's to be swapped in.
    page.wait_for_function("() => !document.querySelector('#version optgroup')")
    page.get_by_label("Version").select_option("5.0.0")
    page.get_by_label("P2 High").check()

    page.get_by_label("Attachments").set_input_files(str(dump))
    alert = page.locator("#attachments-size-error")
    alert.wait_for()
    assert "crash-dump.tar.gz is larger than the 4.0 KB" in alert.inner_text()
    assert page.get_by_label("Attachments").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    page.get_by_role("button", name="Open the case").click()
    assert page.url.endswith("/cases/new")
    assert db.session.scalar(select(func.count(Case.id))) == 0
    assert page.get_by_label("Description").input_value().startswith("A long description")

    page.get_by_label("Attachments").set_input_files(str(log))
    assert alert.is_hidden()
    page.get_by_role("button", name="Open the case").click()
    page.get_by_text("is open. We have mailed you").wait_for()
    assert page.get_by_role("link", name="xensource.log").is_visible()


def test_a_file_chosen_by_mistake_is_removed_from_the_list_before_sending(page, tmp_path: Path):
    contoso = make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2030, 12, 31))
    make_contact(contoso, email="admin@gold.example.com")
    dump = tmp_path / "crash-dump.tar.gz"
    dump.write_bytes(b"\0" * 50_000)
    log = tmp_path / "xensource.log"
    log.write_text("Nov 25 10:00:01 host1 xapi: VM.start failed\n" * 20)

    page.goto("/login")
    page.get_by_label("Email").fill("admin@gold.example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/cases/new")
    page.get_by_label("Subject").fill("Host crashed overnight")
    page.get_by_label("Description").fill("The pool master rebooted at 02:10.")
    page.get_by_label("Product").select_option("XenServer")
    page.get_by_label("Version").select_option("5.0.0")
    page.get_by_label("P2 High").check()

    page.get_by_label("Attachments").set_input_files([str(log), str(dump)])
    chosen = page.locator("#attachments-chosen")
    assert "xensource.log (" in chosen.inner_text() and "crash-dump.tar.gz" in chosen.inner_text()
    assert page.locator("#attachments-size-error").is_visible()
    page.get_by_role("button", name="Remove crash-dump.tar.gz").click()
    assert "crash-dump.tar.gz" not in chosen.inner_text()
    assert page.locator("#attachments-size-error").is_hidden()
    assert_accessible(page)
    page.get_by_role("button", name="Open the case").click()
    page.get_by_text("is open. We have mailed you").wait_for()
    assert page.get_by_role("link", name="xensource.log").is_visible()
    assert page.get_by_role("link", name="crash-dump.tar.gz").count() == 0
