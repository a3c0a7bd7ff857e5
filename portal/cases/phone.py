"""Cases taken on the Gold support line: staff file them on a Gold contact's behalf."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts import entitlement
from portal.cases.filing import CaseDraft, file_case
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Case, Channel, ContactKind, ContactRole, Organisation, User


def gold_contacts() -> list[ContactRole]:
    """Support Administrators of organisations whose Gold agreement is in force today."""
    roles = db.session.scalars(
        select(ContactRole)
        .where(ContactRole.kind == ContactKind.SUPPORT_ADMIN.value)
        .options(
            selectinload(ContactRole.user),
            selectinload(ContactRole.organisation).selectinload(Organisation.agreements),
        )
    ).all()
    eligible = []
    for role in roles:
        agreement = entitlement.active_agreement(role.organisation)
        if agreement is not None and agreement.tier == "gold" and role.user.active:
            eligible.append(role)
    return sorted(eligible, key=lambda r: (r.organisation.name, r.user.name))


def file_phone_case(contact_role_id: int, draft: CaseDraft, staff: User) -> Case:
    """Log a phone call as a case for the chosen Gold contact; the channel records the phone."""
    if not entitlement.can_work_cases(staff):
        raise DomainError("Only support staff log phone cases.", status=403)
    role = next((r for r in gold_contacts() if r.id == contact_role_id), None)
    if role is None:
        raise DomainError({"contact": "Choose a Support Administrator of a Gold organisation."})
    return file_case(role.user, role.organisation, draft, channel=Channel.PHONE, filed_by=staff)
