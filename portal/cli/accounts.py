"""`flask users create` and `flask orgs create`."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from portal.accounts import service as accounts
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import ContactKind, Role

users_cli = AppGroup("users", help="Manage people.")
orgs_cli = AppGroup("orgs", help="Manage customer organisations.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.EVALUATION.value,
    show_default=True,
)
@click.option("--org", "org_name", help="Organisation the customer is a contact of.")
@click.option(
    "--contact-role",
    "contact_roles",
    multiple=True,
    type=click.Choice([k.value for k in ContactKind]),
    help="Contact role in --org; repeat for both.",
)
@click.option("--timezone", default="UTC", show_default=True)
def create_user(
    email: str,
    name: str,
    password: str,
    role: str,
    org_name: str | None,
    contact_roles: tuple[str, ...],
    timezone: str,
) -> None:
    """Create an account; customers can be made contacts of an organisation."""
    if contact_roles and not org_name:
        _fail("--contact-role needs --org.")
    if org_name and role != Role.CUSTOMER.value:
        _fail("Only customers (--role customer) can be contacts of an organisation.")
    try:
        user = accounts.create_user(email, name, password, role=Role(role), timezone=timezone)
        if org_name:
            organisation = accounts.find_organisation(org_name)
            if organisation is None:
                _fail(f"No organisation called {org_name!r}; create it with 'flask orgs create'.")
            for kind in contact_roles or (ContactKind.SUPPORT_ADMIN.value,):
                accounts.grant_contact_role(user, organisation, ContactKind(kind))
    except DomainError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created {user.email} ({Role(role).label}).")


@orgs_cli.command("create")
@click.argument("name")
@click.option("--tier", type=click.Choice(["base", "gold"]), required=True)
@click.option(
    "--start",
    "starts_on",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="First day of the agreement (YYYY-MM-DD).",
)
@click.option(
    "--end",
    "ends_on",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="Last day of the agreement (YYYY-MM-DD).",
)
def create_org(name: str, tier: str, starts_on: date, ends_on: date) -> None:
    """Create an organisation with an annual support agreement."""
    try:
        organisation = accounts.create_organisation(name)
        accounts.add_agreement(organisation, tier, starts_on.date(), ends_on.date())
    except DomainError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(
        f"Created {organisation.name} with a {tier.title()} agreement "
        f"from {starts_on:%Y-%m-%d} to {ends_on:%Y-%m-%d}."
    )
