"""Flask's signed-cookie session, with its signing serializer made once rather than per request.

Flask builds a new `URLSafeTimedSerializer` to open and again to save every session. The
serializer holds nothing but its keys and settings, so one per key set does the same work;
on a page served from memory to a new reader, building it twice was a tenth of the request.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._kept: tuple[tuple[object, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = self._kept
        if kept is None or kept[0] != keys:
            kept = self._kept = (keys, super().get_signing_serializer(app))
        return kept[1]


def register(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
