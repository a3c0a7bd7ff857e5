"""Creating and changing people and organisations; used by the CLI, registration and admin."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime
from functools import cache, lru_cache

from sqlalchemy import delete, func, select
from werkzeug.security import generate_password_hash

from portal.accounts.entitlement import SUPPORT_STAFF
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import (
    Agreement,
    ApiToken,
    ContactKind,
    ContactRole,
    LoginSession,
    Organisation,
    Role,
    StaffProfile,
    User,
)

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# A short list of the passwords tried first by anyone guessing; enough to stop the worst.
COMMON_PASSWORDS = frozenset(
    """password password1 password12 password123 passw0rd 1234567890 12345678910 qwertyuiop
    qwerty12345 1q2w3e4r5t iloveyou12 welcome123 letmein123 administrator changeme123
    abc1234567 portal-demo123 support123 monkey12345 football123 0987654321 1111111111
    aaaaaaaaaa""".split()
)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


@cache
def time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


# The regions a time-zone name starts with, in the order the picker lists them; anything else
# (UTC, Etc/GMT+5, legacy names such as US/Eastern) is listed last, under "Other".
ZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


def time_zone_groups(now: datetime | None = None) -> dict[str, list[tuple[str, str]]]:
    """Every time zone as (name, label) grouped by region, for a picker with <optgroup>s:
    "Australia" holds ("Australia/Sydney", "Sydney (UTC+11:00)")."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    # Offsets change on whole minutes: the groups are worked out once a minute, not per page
    # (loading and converting ~600 zones took tens of milliseconds a request).
    groups = _zone_groups_at(moment.replace(second=0, microsecond=0))
    return {region: list(zones) for region, zones in groups.items()}  # the caller's own


@lru_cache(maxsize=4)
def _zone_groups_at(moment: datetime) -> dict[str, list[tuple[str, str]]]:
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in ZONE_REGIONS}
    groups["Other"] = []
    for name in time_zones():
        region, _, place = name.partition("/")
        offset = moment.astimezone(zoneinfo.ZoneInfo(name)).strftime("%z")
        utc = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
        if region in groups and place:
            groups[region].append((name, f"{place.replace('_', ' ')} ({utc})"))
        else:
            groups["Other"].append((name, f"{name} ({utc})"))
    return {region: zones for region, zones in groups.items() if zones}


def check_email(email: str) -> str:
    email = normalise_email(email)
    if not email or len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise DomainError("Enter a valid email address, like name@example.com.", "email")
    return email


def check_password(password: str, email: str = "", name: str = "") -> None:
    """Refuse passwords that are short, common or built from the person's own details."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.", "password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(f"Passwords can be at most {MAX_PASSWORD_LENGTH} characters.", "password")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise DomainError("That password is too easy to guess; choose another.", "password")
    local_part = normalise_email(email).split("@")[0]
    if (len(local_part) >= 4 and local_part in lowered) or (
        len(name.strip()) >= 4 and name.strip().lower() in lowered
    ):
        raise DomainError("Your password must not contain your name or email.", "password")


def check_time_zone(zone: str) -> str:
    if zone not in time_zones():
        raise DomainError("Choose a time zone from the list.", "timezone")
    return zone


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_name(name: str) -> str:
    """A person's name: one line of at most 120 characters."""
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise DomainError("Enter your name (at most 120 characters).", "name")
    return name


def check_new_account(email: str, name: str, password: str) -> tuple[str, str]:
    """The normalised email and name of a new account, after checking all three (but not
    whether the address is taken, which registration must not reveal)."""
    email = check_email(email)
    name = check_name(name)
    check_password(password, email, name)
    return email, name


def create_user(
    email: str,
    name: str,
    password: str,
    role: Role = Role.EVALUATION,
    timezone: str = "UTC",
    check_strength: bool = True,
    *,
    password_hash: str | None = None,
) -> User:
    """Add a person; the email must be new whatever its case. `password_hash` stands in for
    the password when it was checked and hashed earlier (a confirmed registration)."""
    email = check_email(email)
    name = check_name(name)
    if check_strength and password_hash is None:
        check_password(password, email, name)
    check_time_zone(timezone)
    if find_user_by_email(email) is not None:
        raise DomainError("An account with that email already exists.", "email")
    user = User(
        email=email,
        name=name,
        password_hash=password_hash or hash_password(password),
        role=Role(role).value,
        timezone=timezone,
    )
    db.session.add(user)
    db.session.flush()
    return user


def find_organisation(name: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )


def create_organisation(name: str) -> Organisation:
    name = name.strip()
    if not name or len(name) > 200:
        raise DomainError("An organisation needs a name of at most 200 characters.", "name")
    if find_organisation(name) is not None:
        raise DomainError(f"An organisation called {name!r} already exists.", "name")
    organisation = Organisation(name=name)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def add_agreement(
    organisation: Organisation, tier: str, starts_on: date, ends_on: date
) -> Agreement:
    tier = tier.strip().lower()
    if tier not in ("base", "gold"):
        raise DomainError("The tier must be Base or Gold.", "tier")
    if ends_on < starts_on:
        raise DomainError("An agreement must end after it starts.", "ends_on")
    agreement = Agreement(
        organisation=organisation, tier=tier, starts_on=starts_on, ends_on=ends_on
    )
    db.session.add(agreement)
    db.session.flush()
    return agreement


def grant_contact_role(user: User, organisation: Organisation, kind: ContactKind) -> ContactRole:
    """Make a person a contact of an organisation; granting twice is harmless."""
    for existing in user.contact_roles:
        if existing.organisation_id == organisation.id and existing.kind == kind.value:
            return existing
    contact = ContactRole(user=user, organisation=organisation, kind=ContactKind(kind).value)
    db.session.add(contact)
    db.session.flush()
    return contact


def update_profile(user: User, name: str, timezone: str) -> None:
    user.name = check_name(name)
    user.timezone = check_time_zone(timezone)
    db.session.flush()


def set_password(user: User, password: str) -> None:
    """A new password ends every session and API token the account has (the old password
    may be what leaked); whoever changed it is given a fresh session by the caller."""
    check_password(password, user.email, user.name)
    user.password_hash = hash_password(password)
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    user.session_key = None
    db.session.flush()


def support_staff() -> list[tuple[User, StaffProfile | None]]:
    """Everyone who can own a case, with their profile, for owner filters and assignment."""
    people = db.session.scalars(
        select(User)
        .where(User.role.in_([r.value for r in SUPPORT_STAFF]), User.active.is_(True))
        .order_by(User.name)
    ).all()
    profiles = {
        p.user_id: p
        for p in db.session.scalars(
            select(StaffProfile).where(StaffProfile.user_id.in_([u.id for u in people]))
        )
    }
    return [(person, profiles.get(person.id)) for person in people]
