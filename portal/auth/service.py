"""Authentication: checking passwords, reset links and API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash

from portal.accounts.service import find_user_by_email, set_password
from portal.domain_error import DomainError
from portal.extensions import db
from portal.links import public_url
from portal.mail.outbox import queue_mail
from portal.models import ApiToken, User
from portal.models.types import utcnow

# A hash to compare against when the email is unknown, so both answers take as long.
_DUMMY_HASH = "scrypt:32768:8:1$abcdefghijklmnop$" + "0" * 128


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's user loader; the id carries a fragment of the password hash."""
    user_id, _, fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.password_hash[-12:], fingerprint):
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; timing does not reveal which."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_reset_token(user: User) -> str:
    # The hash fragment makes the link single-use: once the password changes it no longer matches.
    return _reset_serializer().dumps({"u": user.id, "h": user.password_hash[-16:]})


def user_for_reset_token(token: str) -> User:
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise DomainError("This reset link has expired; ask for a new one.", status=400) from error
    except BadSignature as error:
        raise DomainError("This reset link is not valid; ask for a new one.", status=400) from error
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not hmac.compare_digest(user.password_hash[-16:], str(data.get("h"))):
        raise DomainError("This reset link has been used already; ask for a new one.", status=400)
    return user


def request_password_reset(email: str) -> None:
    """Queue a reset mail if the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = make_reset_token(user)
    queue_mail(
        user.email,
        "password_reset",
        subject="Reset your support portal password",
        user=user,
        reset_url=public_url("auth.reset_password", token=token),
        expires_minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    set_password(user, password)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: User) -> tuple[str, ApiToken]:
    """A new bearer token; only its digest is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_DAYS"]
    record = ApiToken(user=user, digest=_digest(token), expires_at=utcnow() + timedelta(days=days))
    db.session.add(record)
    db.session.flush()
    return token, record


def user_for_api_token(token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.digest == _digest(token)))
    if record is None or record.expires_at <= utcnow() or not record.user.active:
        return None
    return record.user
