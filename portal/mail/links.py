"""Links in mail point at the public address (BASE_URL), never at the request's Host header.

A request with a forged Host must not put that host into a mailed link, and a job worker has
no request at all; so mail builds every link from BASE_URL alone, as `url_for` would.
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app


def public_url_for(endpoint: str, **values: Any) -> str:
    """The full address of ``endpoint`` under BASE_URL; accepts url_for's ``_anchor``."""
    base = urlsplit(str(current_app.config["BASE_URL"]))
    adapter = current_app.url_map.bind(
        base.netloc or "localhost",
        script_name=base.path.rstrip("/") or "/",
        url_scheme=base.scheme or "https",
    )
    anchor = values.pop("_anchor", None)
    method = values.pop("_method", None)
    values.pop("_external", None)
    values.pop("_scheme", None)
    url = adapter.build(endpoint, values, method=method, force_external=True)
    if anchor is not None:
        url += "#" + quote(str(anchor), safe="!#$&'()*+,/:;=?@[]~")
    return url


def public_host() -> str:
    """The host name of BASE_URL, without its port."""
    return urlsplit(str(current_app.config["BASE_URL"])).hostname or "localhost"


def sender_domain() -> str:
    """The domain of MAIL_SENDER, which every Message-ID the portal writes ends in."""
    address = parseaddr(current_app.config["MAIL_SENDER"])[1]
    return address.rpartition("@")[2] or "localhost"
