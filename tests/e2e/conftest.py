"""Browser tests: the real app served on a local port, driven in Debian's headless Chromium.

Without a Chromium the tests are skipped (and say so); with PORTAL_REQUIRE_BROWSER=1, as in
CI, a missing browser fails the run instead.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or ""
REQUIRE_BROWSER = os.environ.get("PORTAL_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM:
        message = "no Chromium found (install Debian's chromium or set PORTAL_CHROMIUM)"
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app on a free local port for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def app_config() -> dict[str, object]:
    # The browser posts real forms, CSRF tokens included.
    return {"WTF_CSRF_ENABLED": True, "SERVER_NAME": None}


@pytest.fixture
def page(browser, live_server: str, tmp_path: Path) -> Iterator[object]:  # noqa: ANN001
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_accessible(page) -> None:  # noqa: ANN001
    """axe-core finds no serious or critical violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )
    assert not bad, f"accessibility violations on {page.url}:\n{details}"
