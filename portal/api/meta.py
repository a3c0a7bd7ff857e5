"""The API's description of itself, and who the caller is."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from portal.api import bp
from portal.api.helpers import require_user
from portal.api.spec import STRING, document, endpoint, obj


@endpoint(bp, "/openapi.json", "GET", "This document", auth="none", tags=["meta"])
def openapi() -> Any:
    return jsonify(document(f"{current_app.config['VENDOR_NAME']} Support Portal API"))


@endpoint(
    bp,
    "/me",
    "GET",
    "The account the token belongs to",
    tags=["auth"],
    response=obj(
        ["email", "name", "role"], email=STRING, name=STRING, role=STRING, timezone=STRING
    ),
)
def me() -> Any:
    user = require_user()
    return jsonify(
        {"email": user.email, "name": user.name, "role": user.role, "timezone": user.timezone}
    )
