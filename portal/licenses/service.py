"""Agreements and keys for License Administrators, and asking to renew."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.mail.outbox import queue_mail
from portal.models import Agreement, ContactKind, LicenseKey, Organisation, RenewalRequest, User

RENEWAL_WINDOW = timedelta(days=60)
MAX_NOTE = 2000


@dataclass(frozen=True)
class OrganisationLicenses:
    organisation: Organisation
    agreements: list[Agreement]
    current: Agreement | None
    keys: list[LicenseKey]
    last_request: RenewalRequest | None
    today: date

    @property
    def renewal_due(self) -> bool:
        """True once the agreement has lapsed or ends within the renewal window."""
        return self.current is None or self.current.ends_on - self.today <= RENEWAL_WINDOW

    @property
    def days_left(self) -> int | None:
        return (self.current.ends_on - self.today).days if self.current else None


def license_overview(user: User, today: date | None = None) -> list[OrganisationLicenses]:
    """Everything a License Administrator may see, in three queries whatever the size."""
    today = today or entitlement.today()
    org_ids = [
        c.organisation_id for c in user.contact_roles if c.kind == ContactKind.LICENSE_ADMIN.value
    ]
    if not org_ids:
        return []
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(org_ids))
        .options(selectinload(Organisation.agreements))
        .order_by(Organisation.name)
    ).all()
    keys = db.session.scalars(
        select(LicenseKey)
        .where(LicenseKey.organisation_id.in_(org_ids))
        .order_by(LicenseKey.product, LicenseKey.major_version.desc())
    ).all()
    requests = db.session.scalars(
        select(RenewalRequest)
        .where(RenewalRequest.organisation_id.in_(org_ids))
        .order_by(RenewalRequest.created_at.desc())
    ).all()
    overview = []
    for org in organisations:
        overview.append(
            OrganisationLicenses(
                organisation=org,
                agreements=sorted(org.agreements, key=lambda a: a.starts_on, reverse=True),
                current=entitlement.active_agreement(org, today),
                keys=[k for k in keys if k.organisation_id == org.id],
                last_request=next((r for r in requests if r.organisation_id == org.id), None),
                today=today,
            )
        )
    return overview


def request_renewal(user: User, organisation_id: int, note: str) -> RenewalRequest:
    """Record a renewal request and tell sales and the requester; only License Administrators."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not entitlement.can_see_licenses(user, organisation):
        raise LookupError("No such organisation among yours.")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise DomainError(f"Keep the note under {MAX_NOTE} characters.")
    request = RenewalRequest(organisation=organisation, requested_by=user, note=note)
    db.session.add(request)
    db.session.flush()
    latest = entitlement.latest_agreement(organisation)
    context = {"organisation": organisation, "requester": user, "note": note, "agreement": latest}
    queue_mail(
        current_app.config["SALES_EMAIL"],
        "renewal_request_sales",
        subject=f"Renewal request from {organisation.name}",
        **context,
    )
    queue_mail(
        user.email, "renewal_request_received", subject="We have your renewal request", **context
    )
    return request


def new_license_key() -> str:
    raw = secrets.token_hex(10).upper()
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def seed_demo_licenses() -> str:
    """Keys for the demo organisations; existing keys are kept."""
    added = 0
    for name, product, major, hosts in [
        ("Contoso Cloud", "XenServer", "4", 16),
        ("Contoso Cloud", "XenCenter", "4", 4),
        ("Northwind Hosting", "XenServer", "4", 6),
        ("Fabrikam Labs", "XenServer", "3", 2),
    ]:
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if organisation is None:
            continue
        exists = db.session.scalar(
            select(LicenseKey).where(
                LicenseKey.organisation_id == organisation.id,
                LicenseKey.product == product,
                LicenseKey.major_version == major,
            )
        )
        if exists:
            continue
        latest = entitlement.latest_agreement(organisation)
        db.session.add(
            LicenseKey(
                organisation=organisation,
                product=product,
                major_version=major,
                key=new_license_key(),
                hosts=hosts,
                issued_on=latest.starts_on if latest else entitlement.today(),
                expires_on=latest.ends_on if latest else None,
            )
        )
        added += 1
    db.session.flush()
    return f"license keys: {added} added"
