"""Authentication: checking passwords, reset links and API tokens."""

from __future__ import annotations

import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from portal.accounts.service import (
    check_new_account,
    create_user,
    find_user_by_email,
    hash_password,
    set_password,
)
from portal.auth import lockout
from portal.auth.sessions import issue_api_token, load_session_user, user_for_api_token
from portal.domain_error import DomainError
from portal.extensions import db
from portal.links import public_url
from portal.mail.outbox import queue_mail
from portal.models import User
from portal.models.types import utcnow

# A hash to compare against when the email is unknown, so both answers take as long.
_DUMMY_HASH = "scrypt:32768:8:1$abcdefghijklmnop$" + "0" * 128
REGISTRATION_MAX_AGE = 48 * 3600

__all__ = [
    "authenticate",
    "finish_registration",
    "issue_api_token",
    "load_session_user",
    "make_reset_token",
    "request_password_reset",
    "reset_password",
    "start_registration",
    "user_for_api_token",
]


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; timing does not reveal which.

    Shared by the login form and the API's token endpoint, so both spend one failed-attempt
    budget (portal.auth.lockout); a locked address is refused with a 429 before any check.
    """
    lockout.check_not_locked(email)
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        lockout.record_failure(email, None)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        lockout.record_failure(email, user if user.active else None)
        return None
    lockout.record_success(email)
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
    """Set the new password; every session and API token of the account ends with the old one."""
    user = user_for_reset_token(token)
    set_password(user, password)
    lockout.clear_account(user.email)
    return user


def _registration_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="registration")


def start_registration(email: str, name: str, password: str) -> None:
    """Check the details, then mail the address, the same answer whether it has an account.

    A new address is mailed a link that creates the account; an address that has one is
    mailed its owner's way in (log in, or reset the password). The page says the same in
    both cases, so registration cannot be used to learn who has an account.
    """
    email, name = check_new_account(email, name, password)
    password_hash = hash_password(password)  # both ways, so both take as long
    user = find_user_by_email(email)
    if user is not None:
        queue_mail(
            user.email,
            "registration_existing",
            subject="You already have a support portal account",
            user=user,
            login_url=public_url("auth.login"),
            reset_url=public_url("auth.reset_request"),
        )
        return
    token = _registration_serializer().dumps({"e": email, "n": name, "h": password_hash})
    queue_mail(
        email,
        "registration_confirm",
        subject="Finish creating your support portal account",
        name=name,
        confirm_url=public_url("auth.confirm_registration", token=token),
        expires_hours=REGISTRATION_MAX_AGE // 3600,
    )


def finish_registration(token: str) -> User:
    """Create the evaluation account a mailed registration link stands for."""
    try:
        data = _registration_serializer().loads(token, max_age=REGISTRATION_MAX_AGE)
    except SignatureExpired as error:
        raise DomainError("This sign-up link has expired; register again.", status=400) from error
    except BadSignature as error:
        raise DomainError("This sign-up link is not valid; register again.", status=400) from error
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in "enh"):
        raise DomainError("This sign-up link is not valid; register again.", status=400)
    if find_user_by_email(data["e"]) is not None:
        raise DomainError(
            "This sign-up link has been used already: log in, or reset your password.",
            status=400,
        )
    return create_user(data["e"], data["n"], "", password_hash=data["h"])
