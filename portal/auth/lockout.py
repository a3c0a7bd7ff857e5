"""The failed log-in budget: one per account name and address, shared by the login form and
the API's token endpoint.

The first few failures are free; after that each one doubles the wait before the next try
from that address is even checked. The wait is per address, so somebody elsewhere guessing
at a customer's password slows only themselves; the owner is mailed a link that clears every
wait on the account at once. The per-address request limit (LOGIN_LIMIT_PER_ADDRESS) still
caps how fast any one address may try accounts.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select

from portal.accounts.service import normalise_email
from portal.domain_error import DomainError
from portal.extensions import client_address, db
from portal.links import public_url
from portal.mail.outbox import queue_mail
from portal.models import LoginFailure, User
from portal.models.types import utcnow
from portal.transactions import commit_even_if_refused

UNLOCK_SALT = "login-unlock"
UNLOCK_MAX_AGE = 24 * 3600


def _key(email: str) -> tuple[str, str]:
    return normalise_email(email)[:254], client_address()[:64]


def _row(email: str) -> LoginFailure | None:
    name, address = _key(email)
    return db.session.scalar(
        select(LoginFailure).where(LoginFailure.email == name, LoginFailure.address == address)
    )


def wait_seconds(failures: int) -> int:
    """How long an address waits after its `failures`-th miss: nothing for the free ones,
    then LOGIN_LOCK_SECONDS doubling with each further miss, up to LOGIN_LOCK_MAX_SECONDS."""
    config = current_app.config
    over = failures - int(config["LOGIN_FREE_ATTEMPTS"]) + 1
    if over <= 0:
        return 0
    base, cap = int(config["LOGIN_LOCK_SECONDS"]), int(config["LOGIN_LOCK_MAX_SECONDS"])
    return min(cap, base * 2 ** min(over - 1, 32))


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def check_not_locked(email: str, now: datetime | None = None) -> None:
    """Refuse (429) before the password is even checked while this address must wait."""
    row = _row(email)
    now = now or utcnow()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        wait = (row.locked_until - now).total_seconds()
        raise DomainError(
            "Too many failed log-in attempts for this account from here. Try again in "
            f"{_minutes(wait)}, or use the unlock link we have mailed to the account's owner.",
            "password",
            status=429,
            code="locked_out",
        )


def record_failure(email: str, user: User | None, now: datetime | None = None) -> None:
    """Count a failed attempt; the first lock-out mails the owner an unlock link. Kept even
    though the request is answered with a refusal."""
    now = now or utcnow()
    name, address = _key(email)
    row = _row(email)
    if row is None:
        row = LoginFailure(email=name, address=address, failures=0)
        db.session.add(row)
    row.failures += 1
    row.last_failed_at = now
    wait = wait_seconds(row.failures)
    row.locked_until = now + timedelta(seconds=wait) if wait else None
    if wait and row.failures == int(current_app.config["LOGIN_FREE_ATTEMPTS"]) and user:
        _mail_unlock_link(user)
    db.session.flush()
    commit_even_if_refused()


def record_success(email: str) -> None:
    """A right password clears this address's count for the account."""
    row = _row(email)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNLOCK_SALT)


def _mail_unlock_link(user: User) -> None:
    token = _serializer().dumps({"u": user.id})
    queue_mail(
        user.email,
        "login_unlock",
        subject="Failed log-ins to your support portal account",
        user=user,
        unlock_url=public_url("auth.unlock", token=token),
    )


def unlock(token: str) -> User:
    """Clear every failed-attempt count of the account the link was mailed to."""
    try:
        data = _serializer().loads(token, max_age=UNLOCK_MAX_AGE)
    except BadSignature as error:
        raise DomainError(
            "This unlock link is not valid or has expired. Wait for the lock to pass, or "
            "reset your password.",
            status=400,
        ) from error
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if not isinstance(user, User):
        raise DomainError("This unlock link is not valid.", status=400)
    clear_account(user.email)
    return user


def clear_account(email: str) -> None:
    """Lift every wait on the account, from every address (an unlock link, a new password)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == normalise_email(email)))
