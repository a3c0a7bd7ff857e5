"""Administrators' operations on organisations, people and partners."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.accounts import service as accounts
from portal.dates import RANGE_HINT, parse_day
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import ContactKind, ContactRole, Organisation, Partner, Role, User
from portal.models.partners import PARTNER_KINDS, REGIONS
from portal.pagination import Page, paginate

USERS_PER_PAGE = 50


def organisations_with_agreements() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.agreements))
            .order_by(Organisation.name)
        )
    )


def organisation_detail(organisation_id: int) -> Organisation | None:
    return db.session.scalar(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(
            selectinload(Organisation.agreements),
            selectinload(Organisation.contacts).selectinload(ContactRole.user),
        )
    )


def parse_date(value: str, label: str, field: str) -> date:
    """A date typed as 2026-01-31; refused with ``label`` and ``field`` named."""
    day = parse_day(value)
    if day is None:
        raise DomainError(f"{label}: enter a date like 2026-01-31, {RANGE_HINT}.", field)
    return day


def create_organisation_with_agreement(
    name: str, tier: str, starts: str, ends: str
) -> Organisation:
    starts_on = parse_date(starts, "Start", "starts_on")
    ends_on = parse_date(ends, "End", "ends_on")
    organisation = accounts.create_organisation(name)
    accounts.add_agreement(organisation, tier, starts_on, ends_on)
    return organisation


def add_contact(organisation: Organisation, email: str, kind: str) -> ContactRole:
    user = accounts.find_user_by_email(email)
    if user is None:
        raise DomainError(f"No account uses {email.strip()!r}; create it first.", "email")
    if user.role != Role.CUSTOMER.value:
        if user.role != Role.EVALUATION.value:
            raise DomainError("Staff accounts cannot be customer contacts.", "email")
        user.role = Role.CUSTOMER.value  # an evaluator becomes a customer when their org buys
    try:
        contact_kind = ContactKind(kind)
    except ValueError as error:
        raise DomainError("Choose Support or License Administrator.", "kind") from error
    return accounts.grant_contact_role(user, organisation, contact_kind)


def remove_contact(organisation: Organisation, contact_id: int) -> None:
    contact = db.session.get(ContactRole, contact_id)
    if contact is None or contact.organisation_id != organisation.id:
        raise LookupError("No such contact.")
    db.session.delete(contact)
    db.session.flush()


def find_users(q: str = "", role: str = "", page: int = 1) -> Page[User]:
    """One page of the people whose email or name contains `q`, with that role if one is named."""
    query = select(User)
    if q:
        pattern = f"%{q.strip().lower()[:100]}%"
        query = query.where(or_(User.email.like(pattern), func.lower(User.name).like(pattern)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    query = query.options(
        selectinload(User.contact_roles).selectinload(ContactRole.organisation)
    ).order_by(User.email)
    return paginate(query, page, USERS_PER_PAGE)


def update_user(user: User, role: str, active: bool, acting: User) -> None:
    try:
        new_role = Role(role)
    except ValueError as error:
        raise DomainError("Choose one of the listed roles.", "role") from error
    if user.id == acting.id and (new_role is not Role.ADMIN or not active):
        raise DomainError("You cannot remove your own administrator access.", "role")
    if user.contact_roles and new_role is not Role.CUSTOMER:
        raise DomainError(
            "Remove this person's contact roles before giving them a staff role.", "role"
        )
    user.role = new_role.value
    user.active = active
    db.session.flush()


def save_partner(partner: Partner | None, form: Mapping[str, str]) -> Partner:
    name = form.get("name", "").strip()
    if not name or len(name) > 200:
        raise DomainError("A partner needs a name of at most 200 characters.", "name")
    region = form.get("region", "")
    if region not in REGIONS:
        raise DomainError("Choose a region.", "region")
    kind = form.get("kind", "")
    if kind not in PARTNER_KINDS:
        raise DomainError("Choose reseller or solution provider.", "kind")
    clash = db.session.scalar(select(Partner).where(func.lower(Partner.name) == name.lower()))
    if clash is not None and clash is not partner:
        raise DomainError(f"A partner called {name!r} is already listed.", "name")
    website = form.get("website", "").strip()
    if website and not website.startswith(("https://", "http://")):
        raise DomainError("The website must start with https:// or http://.", "website")
    partner = partner or Partner()
    partner.name = name
    partner.region = region
    partner.kind = kind
    partner.country = form.get("country", "").strip()[:80]
    partner.city = form.get("city", "").strip()[:80]
    partner.website = website[:300]
    partner.email = form.get("email", "").strip()[:254]
    partner.phone = form.get("phone", "").strip()[:40]
    partner.description = form.get("description", "").strip()[:2000]
    db.session.add(partner)
    db.session.flush()
    return partner
