"""Login sessions held on the server, and the API tokens of an account.

The session cookie carries "<user id>:<session key>"; the key's digest is a LoginSession row,
so logging out (deleting the row) ends the session on every server, and a copied cookie is
refused from then on. Changing or resetting a password ends every session and API token the
account has (portal.accounts.service.set_password).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import ApiToken, LoginSession, User
from portal.models.types import utcnow

MAX_TOKEN_LENGTH = 200
# How stale an API token's "last used" may get before a request writes it again.
LAST_USED_PRECISION = timedelta(minutes=5)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(user: User) -> str:
    """A new login session for `user`; returns its key and sets it on the user for get_id()."""
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, digest=digest(key)))
    db.session.flush()
    user.session_key = key
    return key


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the user, if the session the cookie names still exists."""
    user_id, _, key = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 18 or not key:
        return None
    if len(key) > MAX_TOKEN_LENGTH:
        return None
    user = db.session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == int(user_id), LoginSession.digest == digest(key))
    )
    if user is not None:
        user.session_key = key
    return user


def close_session(user: User) -> None:
    """Log out: the current session's row goes, so its cookie is worthless from now on."""
    if user.session_key:
        db.session.execute(
            delete(LoginSession).where(
                LoginSession.user_id == user.id, LoginSession.digest == digest(user.session_key)
            )
        )
    user.session_key = None


def close_other_sessions(user: User) -> int:
    """End every session of the account but the current one; returns how many ended."""
    keep = digest(user.session_key or "")
    result = db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.digest != keep)
    )
    return int(result.rowcount or 0)


def issue_api_token(user: User, name: str | None = None) -> tuple[str, ApiToken]:
    """A new bearer token; only its digest is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_DAYS"]
    record = ApiToken(
        user=user,
        digest=digest(token),
        name=(name or "").strip()[:100] or None,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(record)
    db.session.flush()
    return token, record


def api_token_record(token: str) -> ApiToken | None:
    """The live token record for a bearer token, or None; notes when it was last used."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.digest == digest(token)))
    now = utcnow()
    if record is None or record.expires_at <= now or not record.user.active:
        return None
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_PRECISION:
        record.last_used_at = now
    return record


def user_for_api_token(token: str) -> User | None:
    record = api_token_record(token)
    return record.user if record is not None else None


def api_tokens(user: User) -> list[ApiToken]:
    """The account's tokens that still work, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.expires_at > utcnow())
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Delete one of the account's own tokens; another account's is "not found"."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id:
        raise DomainError("You have no API token with that id.", status=404, code="not_found")
    db.session.delete(record)
    db.session.flush()
    return record


def same_token(record: ApiToken, token: str) -> bool:
    return hmac.compare_digest(record.digest, digest(token))
