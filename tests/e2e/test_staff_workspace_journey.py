"""An engineer works a case in the workspace, at 1280 and at 390 pixels wide: the side panel
is in the first screen on a desk, each confirmation is in view after its action, a refused
severity keeps its choice, and "?" opens the shortcut overlay. Each screen is checked by
`check_screen` (fits, axe, key element in the first screen) and saved by `make screenshots`."""

from __future__ import annotations

from datetime import date

import pytest

from portal.cases import canned, conversation
from portal.extensions import db
from portal.models import Role
from portal.models.types import utcnow
from portal.staff.profiles import update_profile
from tests.conftest import PASSWORD, make_case, make_contact, make_organisation, make_user
from tests.e2e.screens import DESK, PHONE, check_screen


@pytest.fixture
def queue_of_cases():
    """Contoso's two open cases, a manager's canned reply and a TSE in the storage team."""
    contoso = make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2099, 12, 31))
    contact = make_contact(contoso, email="admin@gold.example.com")
    manager = make_user("manager@support.example.com", Role.MANAGER, name="Maya Moreno")
    tse = make_user("tse@support.example.com", Role.TSE, name="Tomas Tse")
    update_profile(tse, "Storage", "iSCSI")
    canned.create_reply(
        {
            "team": "Storage",
            "title": "Ask for a status report",
            "body": "Hello {customer_name},\n\nplease run `xen-bugtool` for case {case_number}.",
        },
        manager,
    )
    db.session.commit()
    first = make_case(
        contact, contoso, now=utcnow(), subject="Storage repository offline", severity="P2"
    )
    second = make_case(
        contact, contoso, now=utcnow(), subject="Console blank in XenCenter", severity="P3"
    )
    for hour in range(1, 7):
        conversation.post_message(
            first, contact, f"Update {hour}: the SR is still offline.\n\n" + "Log excerpt. " * 40
        )
    db.session.commit()
    return first, second


def _in_view(page, selector: str) -> bool:  # noqa: ANN001
    """The element is inside the viewport (not merely somewhere on the page)."""
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0
                && box.right <= window.innerWidth;
        }""",
        selector,
    )


def _log_in(page) -> None:  # noqa: ANN001
    page.goto("/login")
    page.get_by_label("Email").fill("tse@support.example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_engineer_works_a_case_on_a_desk(page, queue_of_cases):
    first, second = queue_of_cases
    page.set_viewport_size(DESK)
    _log_in(page)
    page.goto("/staff/?view=unassigned")
    check_screen(page, "staff queue", "#queue")
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    help_dialog.wait_for()
    assert help_dialog.get_by_text("select the next / previous case").is_visible()
    check_screen(page, "staff queue shortcuts", "#shortcut-help")
    page.keyboard.press("Escape")
    assert not help_dialog.is_visible()

    page.keyboard.press("j")  # the soonest due: the P2
    assert "is-selected" in page.locator("[data-queue-row]").first.get_attribute("class")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=f"Case {first.number}: Storage repository").wait_for()
    check_screen(page, "staff case workspace", "#workspace-panel")
    assert _in_view(page, "#workspace-panel #facts-heading")
    assert _in_view(page, "#response-clock") and _in_view(page, "#reply-heading")
    newest = page.locator(".workspace-timeline > li").first
    assert "Update 6" in newest.inner_text()  # the newest activity, in the first screen
    assert newest.bounding_box()["y"] < DESK["height"] - 60
    assert "Due in" in page.locator("#response-clock").inner_text()
    page.mouse.move(300, 400)
    page.mouse.wheel(0, 900)  # the panel stays beside the conversation as the page scrolls
    page.wait_for_function("() => window.scrollY > 800")  # a function: the CSP allows no eval
    assert _in_view(page, "#workspace-panel #facts-heading")

    page.keyboard.press("t")  # take it, in place
    page.get_by_text("The case is yours.").wait_for()
    assert _in_view(page, "#workspace-done")
    assert page.locator("#workspace-done").get_attribute("role") == "status"

    page.get_by_label("Severity (customer chose P2)").select_option("P1")
    page.get_by_role("button", name="Change severity").click()
    page.get_by_text("Give a reason for the severity change").wait_for()
    assert page.get_by_label("Severity (customer chose P2)").input_value() == "P1"
    assert _in_view(page, "#staff-severity-reason-error")
    page.locator("#staff-severity-reason").fill("The whole pool is down")
    page.get_by_role("button", name="Change severity").click()
    page.get_by_text("The severity is changed").wait_for()
    assert _in_view(page, "#workspace-done")

    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "staff-reply"
    page.get_by_label("Canned reply").select_option(label="Ask for a status report (Storage)")
    page.get_by_role("button", name="Insert").click()
    page.wait_for_function(
        "() => document.getElementById('staff-reply').value.includes('Hello Casey Contact')"
    )
    assert first.number in page.locator("#staff-reply").input_value()
    page.get_by_role("button", name="Preview").click()
    page.locator("#reply-preview code", has_text="xen-bugtool").wait_for()
    page.get_by_label("Then set the status").select_option(label="Waiting on support")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Your reply is on the case").wait_for()
    assert _in_view(page, "#workspace-done")
    assert page.locator("#case-status").inner_text() == "Waiting on support"
    newest = page.locator(".workspace-timeline > li").first
    assert "Hello Casey Contact" in newest.inner_text() or "Status changed" in newest.inner_text()
    check_screen(page, "staff case after a reply", "#workspace-done")

    page.keyboard.press("n")
    page.get_by_role("heading", name=f"Case {second.number}: Console blank").wait_for()


def test_an_engineer_works_a_case_on_a_phone(page, queue_of_cases):
    first, _ = queue_of_cases
    page.set_viewport_size(PHONE)
    _log_in(page)
    page.goto(f"/cases/{first.number}")
    check_screen(page, "staff case workspace", "#facts-heading")
    panel = page.locator("#workspace-panel").bounding_box()
    conversation = page.locator("#conversation").bounding_box()
    assert panel["y"] < conversation["y"]  # the facts come first on a phone

    page.get_by_role("button", name="Take this case").click()
    page.get_by_text("The case is yours.").wait_for()
    assert _in_view(page, "#workspace-done")
    page.get_by_label("Move to").select_option(label="Waiting on customer")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text("The status is changed.").wait_for()
    assert _in_view(page, "#workspace-done")
    check_screen(page, "staff case after an action", "#workspace-done")
