"""Finding partners, and the demo directory."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models.partners import REGIONS, Partner


def search_partners(region: str | None = None, q: str | None = None) -> list[Partner]:
    """Partners in a region (all when none or unknown) whose name, place or services match."""
    query = select(Partner).order_by(Partner.region, Partner.name)
    if region in REGIONS:
        query = query.where(Partner.region == region)
    if q:
        pattern = f"%{q.strip().lower()[:100]}%"
        query = query.where(
            or_(
                func.lower(Partner.name).like(pattern),
                func.lower(Partner.country).like(pattern),
                func.lower(Partner.city).like(pattern),
                func.lower(Partner.description).like(pattern),
            )
        )
    return list(db.session.scalars(query))


DEMO_PARTNERS = [
    (
        "Harbourline Systems",
        "solution-provider",
        "North America",
        "United States",
        "Seattle",
        "Virtualisation assessments, pilot deployments and migration from physical servers.",
    ),
    (
        "Prairie Compute Partners",
        "reseller",
        "North America",
        "Canada",
        "Calgary",
        "Licences and support agreements, with on-site installation for resource pools.",
    ),
    (
        "Andes Datacenter Services",
        "solution-provider",
        "Latin America",
        "Chile",
        "Santiago",
        "Storage and network design for virtual infrastructure; Spanish-language training.",
    ),
    (
        "Norrland Virtual AB",
        "solution-provider",
        "Europe",
        "Sweden",
        "Umeå",
        "Evaluation support, proof-of-concept labs and backup design for XenServer pools.",
    ),
    (
        "Rheinwerk IT-Dienste",
        "reseller",
        "Europe",
        "Germany",
        "Cologne",
        "Licences, renewals and upgrade planning for major releases.",
    ),
    (
        "Atlas Cloud Integrators",
        "solution-provider",
        "Middle East and Africa",
        "South Africa",
        "Johannesburg",
        "Server consolidation projects and managed hosting on XenServer.",
    ),
    (
        "Kestrel Infotech",
        "reseller",
        "Asia Pacific",
        "India",
        "Bengaluru",
        "Licences and support agreements, with first-line help in English, Hindi and Kannada.",
    ),
    (
        "Southern Cross Virtualisation",
        "solution-provider",
        "Asia Pacific",
        "Australia",
        "Melbourne",
        "Physical-to-virtual conversions, iSCSI storage and disaster recovery.",
    ),
]


def seed_demo_partners() -> str:
    """Demo directory entries; existing partners are left as they are."""
    existing = set(db.session.scalars(select(Partner.name)))
    added = 0
    for name, kind, region, country, city, description in DEMO_PARTNERS:
        if name in existing:
            continue
        slug = name.lower().split()[0]
        db.session.add(
            Partner(
                name=name,
                kind=kind,
                region=region,
                country=country,
                city=city,
                description=description,
                website=f"https://www.{slug}.example.com",
                email=f"sales@{slug}.example.com",
                phone="+1 555 0100",
            )
        )
        added += 1
    db.session.flush()
    return f"partners: {added} added"
