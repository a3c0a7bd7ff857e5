"""Who may do what: the one place the portal asks before it shows or changes anything.

Every function accepts Flask-Login's anonymous user as well as a `User`, so views can ask
without first checking whether someone is logged in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.models import Agreement, ContactKind, Organisation, Role, User
from portal.models.types import utcnow

SUPPORT_STAFF = frozenset({Role.TSE, Role.MANAGER, Role.ADMIN})
PUBLISHERS = frozenset({Role.KB_ENGINEER, Role.ADMIN})
AGREEMENT_LAPSED = (
    "Your organisation's support agreement has ended, so its cases are read-only. Your License "
    "Administrator can renew it; the knowledge base and forums stay open to you meanwhile."
)
MODERATORS = frozenset({Role.TSE, Role.MANAGER, Role.KB_ENGINEER, Role.PRODUCT_MANAGER, Role.ADMIN})


def today() -> date:
    return utcnow().date()


def _role(user: Any) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Role(user.role)


def active_agreement(organisation: Organisation, on: date | None = None) -> Agreement | None:
    """The agreement in force on a day; with overlaps, Gold wins, then the one ending last."""
    on = on or today()
    current = [a for a in organisation.agreements if a.is_active_on(on)]
    if not current:
        return None
    return max(current, key=lambda a: (a.tier == "gold", a.ends_on))


def latest_agreement(organisation: Organisation) -> Agreement | None:
    return max(organisation.agreements, key=lambda a: a.ends_on, default=None)


def contact_organisations(user: Any, kind: ContactKind) -> list[Organisation]:
    """Organisations for which this person holds the given contact role."""
    if _role(user) is None:
        return []
    return [c.organisation for c in user.contact_roles if c.kind == kind.value]


def filing_organisations(user: Any, on: date | None = None) -> list[Organisation]:
    """Organisations this person may file cases for: Support Administrator, agreement active."""
    return [
        org
        for org in contact_organisations(user, ContactKind.SUPPORT_ADMIN)
        if active_agreement(org, on) is not None
    ]


def can_file_case(user: Any, on: date | None = None) -> bool:
    return bool(filing_organisations(user, on))


def can_see_organisation_cases(user: Any, organisation: Organisation) -> bool:
    """Staff who work cases see every organisation's; a contact sees only their own."""
    role = _role(user)
    if role is None:
        return False
    if role in SUPPORT_STAFF:
        return True
    return any(
        c.organisation_id == organisation.id and c.kind == ContactKind.SUPPORT_ADMIN.value
        for c in user.contact_roles
    )


def can_act_on_case_as_customer(user: Any, case: Any, on: date | None = None) -> bool:
    """Reply, upload, escalate, confirm or reopen as the customer: the organisation's Support
    Administrators while it has an active agreement (staff have their own tools). With the
    agreement expired, the case history stays readable but support falls back to self-help."""
    role = _role(user)
    if role is None or role in SUPPORT_STAFF:
        return False
    return any(
        c.organisation_id == case.organisation_id
        and c.kind == ContactKind.SUPPORT_ADMIN.value
        and active_agreement(c.organisation, on) is not None
        for c in user.contact_roles
    )


def agreement_lapsed_for(user: Any, case: Any, on: date | None = None) -> bool:
    """This Support Administrator's organisation has no active agreement: its cases are
    read-only for them until it is renewed."""
    if _role(user) is None:
        return False
    return any(
        c.organisation_id == case.organisation_id
        and c.kind == ContactKind.SUPPORT_ADMIN.value
        and active_agreement(c.organisation, on) is None
        for c in user.contact_roles
    )


def can_see_licenses(user: Any, organisation: Organisation) -> bool:
    role = _role(user)
    if role is None:
        return False
    if role is Role.ADMIN:
        return True
    return any(
        c.organisation_id == organisation.id and c.kind == ContactKind.LICENSE_ADMIN.value
        for c in user.contact_roles
    )


def is_license_admin(user: Any) -> bool:
    return bool(contact_organisations(user, ContactKind.LICENSE_ADMIN))


def can_work_cases(user: Any) -> bool:
    return _role(user) in SUPPORT_STAFF


def can_manage_escalations(user: Any) -> bool:
    return _role(user) in (Role.MANAGER, Role.ADMIN)


def can_act_on_case(user: Any, case: Any) -> bool:
    """Managers act on any case; a TSE on cases they own or that nobody owns yet."""
    role = _role(user)
    if role in (Role.MANAGER, Role.ADMIN):
        return True
    return role is Role.TSE and case.owner_id in (None, user.id)


def can_reassign(user: Any) -> bool:
    """Giving a case to someone else is a manager's call; a TSE can only take a case."""
    return _role(user) in (Role.MANAGER, Role.ADMIN)


def can_publish_articles(user: Any) -> bool:
    return _role(user) in PUBLISHERS


def can_see_article_ratings(user: Any) -> bool:
    """Staff see how readers rated a KB article; readers only give their own answer."""
    role = _role(user)
    return role is not None and role.is_staff


def is_staff(user: Any) -> bool:
    """Anyone working for the vendor, whatever their role."""
    role = _role(user)
    return role is not None and role.is_staff


def can_moderate(user: Any) -> bool:
    return _role(user) in MODERATORS


def can_set_idea_status(user: Any) -> bool:
    return _role(user) in (Role.PRODUCT_MANAGER, Role.ADMIN)


def can_manage_releases(user: Any) -> bool:
    return _role(user) in (Role.ADMIN, Role.MANAGER, Role.PRODUCT_MANAGER)


def can_administer(user: Any) -> bool:
    return _role(user) is Role.ADMIN


def can_post_in_forums(user: Any) -> bool:
    return _role(user) is not None


def renewal_due(user: Any, on: date | None = None) -> list[Organisation]:
    """Organisations whose License Administrator should be prompted to renew."""
    on = on or today()
    return [
        org
        for org in contact_organisations(user, ContactKind.LICENSE_ADMIN)
        if active_agreement(org, on) is None
    ]


def has_gold_agreement(user: Any, on: date | None = None) -> bool:
    """Whether this contact's organisation has Gold support today (phone line, Gold hours)."""
    orgs = {c.organisation for c in user.contact_roles} if _role(user) else set()
    return any((a := active_agreement(org, on)) is not None and a.tier == "gold" for org in orgs)


__all__ = [
    "ContactKind",
    "User",
    "has_gold_agreement",
    "active_agreement",
    "can_administer",
    "can_file_case",
    "can_manage_escalations",
    "can_moderate",
    "can_post_in_forums",
    "can_publish_articles",
    "can_see_licenses",
    "can_see_organisation_cases",
    "can_set_idea_status",
    "can_work_cases",
    "filing_organisations",
    "renewal_due",
]
