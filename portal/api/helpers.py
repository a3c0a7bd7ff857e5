"""Request parsing and authentication shared by every API route."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import abort, g, jsonify, request

from portal.auth.service import user_for_api_token
from portal.domain_error import DomainError
from portal.models import User


def fail(status: int, message: str, code: str | None = None) -> NoReturn:
    """Refuse the request; the one error handler answers it as JSON."""
    raise DomainError(message, status=status, code=code)


def bearer_user() -> User | None:
    """The user the request's bearer token belongs to, if any (cached for the request)."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g.api_user = user_for_api_token(token.strip()) if scheme.lower() == "bearer" else None
        if header and g.api_user is None:
            fail(401, "The bearer token is missing, expired or not valid.", "invalid_token")
    return g.api_user


def require_user() -> User:
    user = bearer_user()
    if user is None:
        fail(401, "Send 'Authorization: Bearer <token>'; get a token from POST /api/v1/tokens.")
    return user


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    if not request.is_json:
        fail(
            415,
            "Send the body as JSON with 'Content-Type: application/json'.",
            "unsupported_media_type",
        )
    data = request.get_json(silent=True)
    if data is None:
        fail(400, "The body is not valid JSON.", "malformed_json")
    if not isinstance(data, dict):
        fail(400, "The body must be a JSON object.", "malformed_json")
    return data


def text_field(
    data: dict[str, Any], name: str, *, required: bool = True, max_length: int = 10_000
) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            fail(422, f"'{name}' is required.", "invalid")
        return None
    if not isinstance(value, str):
        fail(422, f"'{name}' must be a string.", "invalid")
    value = value.strip()
    if required and not value:
        fail(422, f"'{name}' must not be empty.", "invalid")
    if len(value) > max_length:
        fail(422, f"'{name}' can be at most {max_length} characters.", "invalid")
    return value


def created(payload: dict[str, Any]) -> tuple[Any, int]:
    return jsonify(payload), 201


__all__ = ["abort", "bearer_user", "fail", "json_body", "require_user", "text_field"]
