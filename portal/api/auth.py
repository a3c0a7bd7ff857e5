"""API tokens: trade an email and password for a bearer token, list and revoke your own."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from portal.api import bp
from portal.api.helpers import fail, json_body, require_user, text_field
from portal.api.spec import BOOLEAN, DATETIME, INTEGER, STRING, endpoint, list_of, nullable, obj
from portal.auth import service, sessions
from portal.extensions import limiter
from portal.models import ApiToken

TOKEN = obj(
    ["id", "name", "created_at", "expires_at", "last_used_at", "current"],
    id=INTEGER,
    name=nullable(STRING),
    created_at=DATETIME,
    expires_at=DATETIME,
    last_used_at=nullable(DATETIME),
    current=BOOLEAN,
)


def _failed(response: Any) -> bool:
    return response.status_code != 201


def _bearer() -> str:
    return request.headers.get("Authorization", "").partition(" ")[2].strip()


def _token_json(record: ApiToken) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "created_at": record.created_at.isoformat(),
        "expires_at": record.expires_at.isoformat(),
        "last_used_at": record.last_used_at.isoformat() if record.last_used_at else None,
        "current": sessions.same_token(record, _bearer()),
    }


@endpoint(
    bp,
    "/tokens",
    "POST",
    "Get a bearer token for an account",
    auth="none",
    tags=["auth"],
    request=obj(["email", "password"], email=STRING, password=STRING, name=STRING),
    response=obj(["token", "id", "expires_at"], token=STRING, id=INTEGER, expires_at=DATETIME),
    status=201,
)
# Failed attempts also count against the account from this address, shared with the login
# form (portal.auth.lockout); this caps how fast one address may try accounts at all.
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], deduct_when=_failed)
def create_token() -> tuple[Any, int]:
    data = json_body()
    email = text_field(data, "email", max_length=254) or ""
    password = text_field(data, "password", max_length=200) or ""
    name = text_field(data, "name", required=False, max_length=100)
    user = service.authenticate(email, password)
    if user is None:
        fail(401, "That email and password do not match an account.", "invalid_credentials")
    token, record = service.issue_api_token(user, name)
    payload = {"token": token, "id": record.id, "expires_at": record.expires_at.isoformat()}
    return jsonify(payload), 201


@endpoint(
    bp,
    "/tokens",
    "GET",
    "List your API tokens that still work (the token itself is never shown again)",
    tags=["auth"],
    response=list_of(TOKEN),
)
def list_tokens() -> Any:
    records = sessions.api_tokens(require_user())
    return jsonify({"results": [_token_json(r) for r in records], "total": len(records)})


@endpoint(
    bp,
    "/tokens/<int:token_id>",
    "DELETE",
    "Revoke one of your API tokens (the one in use included)",
    tags=["auth"],
    response=obj(["id", "revoked"], id=INTEGER, revoked=BOOLEAN),
)
def revoke_token(token_id: int) -> Any:
    record = sessions.revoke_api_token(require_user(), token_id)
    return jsonify({"id": record.id, "revoked": True})
