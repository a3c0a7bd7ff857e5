"""Knowledge base in a real browser: as-you-type search, reading and rating, then a KB engineer
writes with live preview and publishes, and the article is searchable at once."""

import re

import pytest

from portal import search
from portal.models import Role
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import assert_accessible
from tests.kb.conftest import make_article


@pytest.fixture(autouse=True)
def _close_searchers():
    yield
    search.close_all()


def test_search_read_rate_then_write_and_publish(page, app):
    make_article()
    make_article(slug="iscsi-sr", title="Attaching an iSCSI storage repository", tags=["storage"])
    make_user("writer@example.com", Role.KB_ENGINEER, name="Wen Writer")

    page.goto("/kb/")
    assert_accessible(page)
    page.get_by_label("Search articles, documentation and forum threads").fill("iscsi")
    page.locator("#kb-results .kb-hit").get_by_role(
        "link", name="Attaching an iSCSI storage repository"
    ).wait_for()
    page.wait_for_url(re.compile(r"/kb/\?q=iscsi"))
    assert_accessible(page)
    page.get_by_label("Kind").select_option("doc")  # a filter narrows the results in place
    page.wait_for_url(re.compile(r"/kb/\?q=iscsi.*type=doc"))
    page.locator("#kb-results .kb-hit").get_by_role(
        "link", name="Attaching an iSCSI storage repository"
    ).wait_for(state="detached")
    page.get_by_label("Kind").select_option("")
    page.locator("#kb-results .kb-hit").get_by_role(
        "link", name="Attaching an iSCSI storage repository"
    ).wait_for()
    page.locator("#kb-results .kb-hit").get_by_role(
        "link", name="Attaching an iSCSI storage repository"
    ).click()
    page.get_by_role("heading", name="Attaching an iSCSI storage repository").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, it helped").click()
    page.get_by_text("Thank you for telling us.").wait_for()

    page.goto("/login")
    page.get_by_label("Email").fill("writer@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/kb/new")
    page.get_by_label("Title", exact=True).fill("Jumbo frames on the storage network")
    page.get_by_label("Product").select_option("XenServer")
    page.get_by_label("Tags (comma-separated)").fill("networking, mtu")
    page.get_by_label("Text (Markdown)").fill(
        "## Set the MTU\n\nUse **9000** on every storage NIC."
    )
    page.locator("#article-preview strong", has_text="9000").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Save and publish").click()
    page.get_by_text("is published").wait_for()

    page.goto("/kb/")
    page.get_by_label("Search articles, documentation and forum threads").fill("jumbo mtu")
    page.locator("#kb-results .kb-hit").get_by_role(
        "link", name="Jumbo frames on the storage network"
    ).wait_for()
