"""One view answers both a full page and the fragment HTMX swaps (STYLE.md)."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request
from werkzeug.wrappers import Response


def is_htmx_request() -> bool:
    """True for HTMX swaps, false for history restores (they need the page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and "HX-History-Restore-Request" not in request.headers
    )


def render(page: str, fragment: str, /, http_status: int = 200, **context: Any) -> Response:
    """The page, or only its fragment for an HTMX swap, from one view."""
    template = fragment if is_htmx_request() else page
    response = make_response(render_template(template, **context), http_status)
    response.vary.add("HX-Request")  # caches must not mix page and fragment
    return response
