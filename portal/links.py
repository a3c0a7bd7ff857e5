"""Addresses on the public site, built from the route table like url_for, without a request.

Views and templates use url_for. Mailed links must name the public address in BASE_URL, never
the host a request came in on, and the search index stores paths that jobs and CLI commands
build while serving no request; both come from here, so a renamed route changes them too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter


def _public_site() -> MapAdapter:
    base = urlsplit(str(current_app.config["BASE_URL"]))
    return current_app.url_map.bind(
        base.netloc or "localhost",
        script_name=base.path.rstrip("/") or "/",
        url_scheme=base.scheme or "https",
    )


def public_url(endpoint: str, **values: Any) -> str:
    """The full address of a page on the public site (BASE_URL), e.g. for a mailed link.

    Takes url_for's arguments, `_anchor` included, so mail templates can use it as url_for.
    """
    anchor = values.pop("_anchor", None)
    method = values.pop("_method", None)
    values.pop("_external", None)
    values.pop("_scheme", None)
    url = _public_site().build(endpoint, values, method=method, force_external=True)
    if anchor is not None:
        url += "#" + quote(str(anchor), safe="!#$&'()*+,/:;=?@[]~")
    return url


def public_path(endpoint: str, **values: Any) -> str:
    """The path of a page on the public site (with BASE_URL's prefix, if it has one)."""
    return _public_site().build(endpoint, values)
