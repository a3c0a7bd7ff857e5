"""Checks every request gets before any view sees it."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, current_app, request
from werkzeug.exceptions import SecurityError
from werkzeug.sansio.utils import host_is_trusted

from portal.config import default_trusted_hosts

NUL = "\x00"


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


def reject_nul_characters() -> None:
    """PostgreSQL cannot store a NUL character in text, and no person types one: refuse it
    up front with a clear 400 rather than fail deep inside a query."""
    if NUL in request.path or any(
        NUL in key or NUL in value
        for source in (request.args, request.form)
        for key, values in source.lists()
        for value in values
    ):
        abort(400, "The request contains a NUL character, which text here cannot hold.")
    if request.is_json and _contains_nul(request.get_json(silent=True)):
        abort(400, "The request contains a NUL character, which text here cannot hold.")


def refuse_untrusted_hosts() -> Response | None:
    """A Host header outside TRUSTED_HOSTS (by default BASE_URL's host, localhost and
    127.0.0.1) gets a plain 400: no page is rendered for it, since every link on a page would
    be built from that host."""
    trusted = current_app.config.get("TRUSTED_HOSTS")
    if trusted is None:
        trusted = default_trusted_hosts(current_app.config["BASE_URL"])
    untrusted = isinstance(request.routing_exception, SecurityError) or (
        bool(trusted) and not host_is_trusted(request.host, trusted)
    )
    if untrusted:
        return Response(
            "This server does not answer for that host name.\n",
            status=400,
            mimetype="text/plain",
        )
    return None


def register(app: Flask) -> None:
    app.before_request(refuse_untrusted_hosts)
    app.before_request(reject_nul_characters)
