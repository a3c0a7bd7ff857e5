"""POST /api/v1/tokens: trade an email and password for a bearer token."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from portal.accounts.service import normalise_email
from portal.api import bp
from portal.api.helpers import fail, json_body, text_field
from portal.api.spec import DATETIME, STRING, endpoint, obj
from portal.auth import service
from portal.extensions import limiter


def _token_account_key() -> str:
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    return "token-account:" + (normalise_email(email) if isinstance(email, str) else "")[:254]


def _failed(response: Any) -> bool:
    return response.status_code != 201


@endpoint(
    bp,
    "/tokens",
    "POST",
    "Get a bearer token for an account",
    auth="none",
    tags=["auth"],
    request=obj(["email", "password"], email=STRING, password=STRING),
    response=obj(["token"], token=STRING, expires_at=DATETIME),
    status=201,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_token_account_key,
    deduct_when=_failed,
)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], deduct_when=_failed)
def create_token() -> tuple[Any, int]:
    data = json_body()
    email = text_field(data, "email", max_length=254) or ""
    password = text_field(data, "password", max_length=200) or ""
    user = service.authenticate(email, password)
    if user is None:
        fail(401, "That email and password do not match an account.", "invalid_credentials")
    token, record = service.issue_api_token(user)
    return jsonify({"token": token, "expires_at": record.expires_at.isoformat()}), 201
