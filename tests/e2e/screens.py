"""Checks every screen test makes of a page at a width: it fits (no sideways scrolling), axe
finds nothing serious, and its key element is in the first screen. With PORTAL_SCREENSHOTS
set to a folder (`make screenshots`), each screen is also saved there as a PNG for review."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.e2e.conftest import assert_accessible

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desk": DESK, "phone": PHONE}
SCREENSHOTS = os.environ.get("PORTAL_SCREENSHOTS", "")


def check_screen(page, name: str, key: str | None = None) -> None:  # noqa: ANN001
    """The current page at the current width: fits, is accessible, shows `key` (a CSS
    selector) in the first screen without scrolling."""
    page.wait_for_load_state("networkidle")
    width = page.viewport_size["width"]
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
    if key is not None:
        # An element swapped in by htmx may be replaced once more while the page settles:
        # wait for the one that stays.
        element = page.locator(key).first
        element.wait_for(state="visible")
        box = element.bounding_box()
        assert box is not None, f"{name} at {width}px: {key} is not shown"
        height = page.viewport_size["height"]
        assert box["y"] < height and box["y"] + min(box["height"], 40) <= height, (
            f"{name} at {width}px: {key} starts at {box['y']:.0f}px, below the first "
            f"{height}px screen"
        )
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=str(folder / f"{slug}-{width}.png"), full_page=True)
        page.screenshot(path=str(folder / f"{slug}-{width}-first-screen.png"))
    assert_accessible(page)
