"""Flask's signed-cookie session, signed by one kept serializer rather than new ones per request.

Every new reader of a public page is given a session cookie (it holds their CSRF token).
itsdangerous, as Flask uses it, does more work for it than the value needs: a new serializer
to open and again to save every session, a new signer (and its key derived again) for every
signature, and a zlib pass over every payload, though one of a few dozen to two hundred
bytes (a token, a search session's marks) is rarely any shorter for it. On a page served
from memory, where the rest of the request is small, that work was a visible share of it.

`KeptSerializer` makes the same cookie with that work done once: one serializer per key
set, one signer per salt with its derived keys kept, and compression tried only on a payload
big enough to gain from it. Its output is exactly what itsdangerous reads (a compressed
payload is marked as ever), so sessions made before and after stay valid both ways.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import Signer, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes

# Below this zlib saves a few bytes at best; above it (flashed messages and the like) it
# keeps the cookie well inside a browser's 4 KB.
_COMPRESS_FROM = 256


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


def register(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
