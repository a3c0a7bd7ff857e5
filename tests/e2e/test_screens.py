"""The key pages of every role at 1280 and 390 pixels: each fits the screen, has no serious
or critical axe violation, and shows what matters on it in the first screen."""

from __future__ import annotations

import pytest

from portal.models import Role
from tests.conftest import PASSWORD, make_user
from tests.e2e.screens import WIDTHS, check_screen


def log_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", WIDTHS)
def test_style_page_shows_every_component(page, width):
    page.set_viewport_size(WIDTHS[width])
    make_user("tse@support.example.com", Role.TSE, name="Tom Engineer")
    log_in(page, "tse@support.example.com")
    page.goto("/staff/style")
    check_screen(page, "staff style guide", "h1")
    page.get_by_role("button", name="Show a live toast").click()
    toast = page.locator("#toasts .toast").last
    assert toast.is_visible() and toast.bounding_box()["y"] < WIDTHS[width]["height"]
