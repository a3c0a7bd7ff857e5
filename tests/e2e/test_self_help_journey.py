"""The self-help loop in a real browser: a search that finds nothing and one that is opened,
"did this help? no" with what was missing, the KB engineer's gaps with a prefilled article,
and the managers' funnel; each screen at a desk and a phone width."""

import re

import pytest

from portal import search
from portal.models import Role
from tests.conftest import PASSWORD, make_user
from tests.e2e.screens import SCREENSHOTS, WIDTHS, check_screen
from tests.kb.conftest import make_article

SEARCH_BOX = "Search articles, documentation and forum threads"


@pytest.fixture(autouse=True)
def _close_searchers():
    yield
    search.close_all()


def _log_in(page, email):  # noqa: ANN001
    page.goto("/logout")
    confirm = page.locator("#main").get_by_role("button", name="Log out")
    if confirm.count():
        confirm.click()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


def test_failed_searches_become_gaps_and_articles_and_the_funnel_counts_them(page, app):
    make_article(slug="iscsi-sr", title="Attaching an iSCSI storage repository", tags=["storage"])
    make_user("writer@example.com", Role.KB_ENGINEER, name="Wen Writer")
    make_user("manager@example.com", Role.MANAGER, name="Maya Manager")

    page.goto("/kb/")
    box = page.get_by_label(SEARCH_BOX)
    box.type("wobbly hypervisor fans", delay=20)
    page.get_by_role("heading", name=re.compile("Nothing matched")).wait_for()
    box.fill("iscsi")
    page.locator("#kb-results").get_by_role(
        "link", name="Attaching an iSCSI storage repository"
    ).click()
    page.get_by_role("heading", name="Attaching an iSCSI storage repository").wait_for()
    page.get_by_role("button", name="No").click()
    page.get_by_label(re.compile("What was missing")).fill("How to set CHAP secrets.")
    page.get_by_role("button", name="Send to the writers").click()
    page.get_by_text("writers will read").wait_for()

    _log_in(page, "writer@example.com")
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto("/kb/gaps")
        page.get_by_text("wobbly hypervisor fans").first.wait_for()
        check_screen(page, f"KB search gaps {name}", "h1")
    page.set_viewport_size(WIDTHS["desk"])
    page.get_by_role("link", name=re.compile("Write an article for")).first.click()
    assert page.get_by_label("Title", exact=True).input_value() == "wobbly hypervisor fans"
    page.get_by_label("Text (Markdown)").fill("Check the fan profile in the BIOS.")
    page.get_by_role("button", name="Save and publish").click()
    page.get_by_text("is published").wait_for()
    page.goto("/kb/gaps")
    page.get_by_text("No gaps").wait_for()
    page.goto("/kb/iscsi-sr")
    page.get_by_text("How to set CHAP secrets.").wait_for()

    _log_in(page, "manager@example.com")
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto("/staff/dashboard")
        funnel = page.locator("section.funnel")
        funnel.scroll_into_view_if_needed()
        assert funnel.locator("tbody tr").last.locator("td").first.inner_text() == "2"
        check_screen(page, f"Dashboard funnel {name}")
        if SCREENSHOTS:
            funnel.screenshot(path=f"{SCREENSHOTS}/dashboard-funnel-section-{size['width']}.png")
