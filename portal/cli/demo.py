"""`flask demo seed`: the demo organisations and accounts of CONTRACT.md, and each feature's data.

Idempotent: running it again adds only what is missing and never changes what people edited.
Features add their own demo data by appending a `module:function` path to DEMO_SEEDERS; each
seeder takes no arguments, must itself be idempotent and returns a one-line summary.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date, timedelta

import click
from flask.cli import AppGroup

from portal.accounts import service as accounts
from portal.accounts.entitlement import active_agreement
from portal.extensions import db
from portal.models import ContactKind, Organisation, Role
from portal.models.types import utcnow

DEMO_PASSWORD = "portal-demo"

demo_cli = AppGroup("demo", help="Demo data.")

# (email, name, role, organisation, contact roles, time zone)
DEMO_PEOPLE: list[tuple[str, str, Role, str | None, tuple[ContactKind, ...], str]] = [
    ("eval@example.com", "Evan Evaluator", Role.EVALUATION, None, (), "Europe/London"),
    (
        "admin@base.example.com",
        "Bianca Baptiste",
        Role.CUSTOMER,
        "Northwind Hosting",
        (ContactKind.SUPPORT_ADMIN,),
        "America/Chicago",
    ),
    (
        "admin@gold.example.com",
        "Gustav Goldberg",
        Role.CUSTOMER,
        "Contoso Cloud",
        (ContactKind.SUPPORT_ADMIN,),
        "America/New_York",
    ),
    (
        "license@gold.example.com",
        "Linnea Larsson",
        Role.CUSTOMER,
        "Contoso Cloud",
        (ContactKind.LICENSE_ADMIN,),
        "America/New_York",
    ),
    (
        "admin@expired.example.com",
        "Ezra Expired",
        Role.CUSTOMER,
        "Fabrikam Labs",
        (ContactKind.SUPPORT_ADMIN, ContactKind.LICENSE_ADMIN),
        "Europe/Berlin",
    ),
    ("tse@support.example.com", "Tomas Tanaka", Role.TSE, None, (), "America/Los_Angeles"),
    ("manager@support.example.com", "Maya Moreno", Role.MANAGER, None, (), "America/Los_Angeles"),
    ("writer@support.example.com", "Wen Whitaker", Role.KB_ENGINEER, None, (), "Europe/Dublin"),
    (
        "pm@support.example.com",
        "Priya Patel",
        Role.PRODUCT_MANAGER,
        None,
        (),
        "America/Los_Angeles",
    ),
    ("admin@support.example.com", "Ada Admin", Role.ADMIN, None, (), "UTC"),
]

DEMO_SEEDERS: list[str] = [
    "portal.products.service:seed_standard_products",
    "portal.kb.files:seed_demo_articles",
    "portal.partners.service:seed_demo_partners",
    "portal.licenses.service:seed_demo_licenses",
    "portal.releases.service:seed_demo_releases",
    "portal.docs.service:seed_demo_docs",
    "portal.cases.demo:seed_demo_cases",
    "portal.staff.profiles:seed_demo_profiles",
    "portal.cases.canned:seed_demo_canned_replies",
    "portal.forums.seed:seed_demo_forums",
    "portal.ideas.seed:seed_demo_ideas",
]


def _demo_organisation(name: str, tier: str, starts_on: date, ends_on: date) -> Organisation:
    organisation = accounts.find_organisation(name) or accounts.create_organisation(name)
    if not organisation.agreements:
        accounts.add_agreement(organisation, tier, starts_on, ends_on)
    return organisation


def seed_accounts(today: date) -> str:
    """The demo organisations and people; agreements run around today so they are current."""
    year_ago = today - timedelta(days=200)
    _demo_organisation("Northwind Hosting", "base", year_ago, year_ago + timedelta(days=729))
    _demo_organisation("Contoso Cloud", "gold", year_ago, year_ago + timedelta(days=729))
    _demo_organisation(
        "Fabrikam Labs", "base", today - timedelta(days=500), today - timedelta(days=135)
    )
    created = 0
    for email, name, role, org_name, kinds, zone in DEMO_PEOPLE:
        user = accounts.find_user_by_email(email)
        if user is None:
            user = accounts.create_user(
                email, name, DEMO_PASSWORD, role=role, timezone=zone, check_strength=False
            )
            created += 1
        if org_name:
            organisation = accounts.find_organisation(org_name)
            for kind in kinds:
                accounts.grant_contact_role(user, organisation, kind)
    db.session.flush()
    return f"accounts: {created} created, {len(DEMO_PEOPLE) - created} already there"


def _load(path: str) -> Callable[[], str]:
    module, _, function = path.partition(":")
    return getattr(importlib.import_module(module), function)


def seed_all() -> list[str]:
    """Everything the demo needs, in order; the caller commits."""
    today = utcnow().date()
    lines = [seed_accounts(today)]
    for path in DEMO_SEEDERS:
        lines.append(_load(path)())
        db.session.flush()
    return lines


@demo_cli.command("seed")
def seed() -> None:
    """Load the demo organisations, accounts and content (safe to run again)."""
    for line in seed_all():
        click.echo(line)
    db.session.commit()
    for name in ("Northwind Hosting", "Contoso Cloud"):
        organisation = accounts.find_organisation(name)
        agreement = active_agreement(organisation) if organisation else None
        if agreement is None:
            click.echo(f"warning: {name} has no agreement in force today", err=True)
    click.echo(f"Demo accounts (password {DEMO_PASSWORD!r}):")
    for email, _name, role, org_name, kinds, _zone in DEMO_PEOPLE:
        who = " and ".join(kind.label for kind in kinds) if kinds else role.label
        where = f", {org_name}" if org_name else ""
        click.echo(f"  {email:32} {who}{where}")
