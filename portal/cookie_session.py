"""Signed values made cheaply: Flask's cookie session and the CSRF token of a page from memory.

Every new reader of a public page is given two signed values: the session cookie that holds
their CSRF token, and the token itself in the page's form. itsdangerous, as Flask and
Flask-WTF use it, does more work for each than the values need: a new serializer for every
session opened or saved and for every token, a new signer (and its key derived again) for
every signature, and a zlib pass over a payload of a few dozen bytes, which compression
never shortens. On a page served from memory that was a quarter of the request.

`KeptSerializer` makes the same values with that work done once: one serializer per key
set, one signer per salt with its derived keys kept, and compression tried only on a payload
big enough to gain from it. Its output is exactly what itsdangerous reads (a compressed
payload is marked as ever), so sessions and tokens made before and after stay valid both
ways, and Flask-WTF checks the tokens as it always has.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import Signer, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes

# Below this, zlib's header and checksum outweigh anything it could save.
_COMPRESS_FROM = 256
# Flask-WTF's own names for the token: its salt, session key and form field.
CSRF_SALT = "wtf-csrf-token"


class _KeptKeySigner(TimestampSigner):
    """A timestamp signer that derives each of its keys once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[bytes, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived[key] = super().derive_key(key)
        return derived


class KeptSerializer(URLSafeTimedSerializer):
    """`URLSafeTimedSerializer` with its signers kept and small payloads left uncompressed."""

    default_signer = _KeptKeySigner

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict[bytes | str | None, Signer] = {}

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer

    def dump_payload(self, obj: Any) -> bytes:
        json = want_bytes(self.serializer.dumps(obj, **self.serializer_kwargs))
        if len(json) >= _COMPRESS_FROM:
            return super().dump_payload(obj)
        return base64_encode(json)


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, signed by one kept serializer per key set."""

    def __init__(self) -> None:
        self._kept: tuple[tuple[object, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        fallbacks = tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())
        keys = (*fallbacks, app.secret_key)  # itsdangerous signs with the last
        kept = self._kept
        if kept is None or kept[0] != keys:
            serializer = None
            if app.secret_key:
                serializer = KeptSerializer(
                    list(keys),
                    salt=self.salt,
                    serializer=self.serializer,
                    signer_kwargs={
                        "key_derivation": self.key_derivation,
                        "digest_method": self.digest_method,
                    },
                )
            kept = self._kept = (keys, serializer)
        return kept[1]


_csrf_serializers: dict[object, KeptSerializer] = {}


def csrf_token() -> str:
    """This request's CSRF token, as Flask-WTF's `generate_csrf` makes it (the same session
    key, salt and signature, so its checks accept it), from a kept serializer."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    if token is None:
        secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        serializer = _csrf_serializers.get(secret)
        if serializer is None:
            serializer = _csrf_serializers[secret] = KeptSerializer(secret, salt=CSRF_SALT)
        if field not in session:
            session[field] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - as Flask-WTF
        token = serializer.dumps(session[field])
        setattr(g, field, token)
    return token


def register(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
