"""Checks every request gets before any view sees it."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request

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


def register(app: Flask) -> None:
    app.before_request(reject_nul_characters)
