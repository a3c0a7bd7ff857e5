"""Why someone may not open a support case, in their own terms, and who in their organisation can.

The self-help page (shown instead of the case form) says the real reason: the organisation's
agreement has ended, the person's role in a covered organisation does not file cases, or they
belong to no organisation with an agreement at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from portal.accounts import entitlement
from portal.models import ContactKind, Organisation, User
from portal.policy import Tier


@dataclass(frozen=True)
class RoleRefusal:
    """An organisation with a current agreement in which this person holds a role that does
    not file cases (License Administrator), with the people who can."""

    organisation: Organisation
    tier: Tier
    roles: list[ContactKind]
    support_admins: list[User]


def role_refusals(user: Any) -> list[RoleRefusal]:
    """The covered organisations where ``user`` is a contact but not a Support Administrator."""
    if not getattr(user, "is_authenticated", False):
        return []
    kinds: dict[int, set[ContactKind]] = {}
    organisations: dict[int, Organisation] = {}
    for contact in user.contact_roles:
        kinds.setdefault(contact.organisation_id, set()).add(ContactKind(contact.kind))
        organisations[contact.organisation_id] = contact.organisation
    refusals = []
    for org_id, held in kinds.items():
        organisation = organisations[org_id]
        agreement = entitlement.active_agreement(organisation)
        if ContactKind.SUPPORT_ADMIN in held or agreement is None:
            continue
        admins = sorted(
            (
                c.user
                for c in organisation.contacts
                if c.kind == ContactKind.SUPPORT_ADMIN.value and c.user_id != user.id
            ),
            key=lambda person: person.name,
        )
        refusals.append(RoleRefusal(organisation, Tier(agreement.tier), sorted(held), admins))
    return sorted(refusals, key=lambda r: r.organisation.name)


def self_help_context(user: Any) -> dict[str, object]:
    """What the self-help page needs to say why this person cannot open a case."""
    expired = [
        org
        for org in entitlement.contact_organisations(user, ContactKind.SUPPORT_ADMIN)
        if entitlement.active_agreement(org) is None
    ]
    return {
        "expired_organisations": expired,
        "role_refusals": role_refusals(user),
        "renewal_due": entitlement.renewal_due(user),
        "sales_email": current_app.config["SALES_EMAIL"],
        "support_email": current_app.config["SUPPORT_EMAIL"],
    }


def filing_refusal(user: Any) -> str:
    """Why ``user`` may not open a case, in one message (the API's and the form's 403)."""
    refusals = role_refusals(user)
    if refusals:
        first = refusals[0]
        roles = " and ".join(kind.label for kind in first.roles)
        who = ", ".join(f"{p.name} ({p.email})" for p in first.support_admins)
        ask = (
            f"Ask {who} to open it or to make you a Support Administrator."
            if who
            else "It has no Support Administrator yet; ask support to name one."
        )
        return (
            f"{first.organisation.name} has a current {first.tier.label} agreement, but as its "
            f"{roles} you cannot open support cases: only its Support Administrators can. {ask}"
        )
    if entitlement.contact_organisations(user, ContactKind.SUPPORT_ADMIN):
        return entitlement.AGREEMENT_LAPSED
    return (
        "Your account cannot open support cases: that needs a current Base or Gold agreement "
        "and the Support Administrator role. The knowledge base and forums are open to you."
    )
