"""Who wants an idea: its votes broken down by the voters' support tier (staff only)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts import entitlement
from portal.extensions import db
from portal.models import ContactRole, Idea, IdeaVote, Organisation, Role, User

GOLD, BASE, NO_AGREEMENT, EVALUATION, STAFF = (
    "Gold",
    "Base",
    "No active agreement",
    "Evaluation",
    "Staff",
)
ORDER = [GOLD, BASE, NO_AGREEMENT, EVALUATION, STAFF]


def votes_by_tier(idea: Idea, viewer: Any) -> list[tuple[str, int]]:
    """(label, votes) per tier, in a fixed order, empty tiers left out; three statements."""
    if not entitlement.can_moderate(viewer):
        return []
    voters = list(
        db.session.execute(
            select(User.id, User.role)
            .join(IdeaVote, IdeaVote.user_id == User.id)
            .where(IdeaVote.idea_id == idea.id)
        )
    )
    customer_ids = [uid for uid, role in voters if role == Role.CUSTOMER.value]
    tiers: dict[int, set[str]] = {uid: set() for uid in customer_ids}
    if customer_ids:
        contacts = db.session.scalars(
            select(ContactRole)
            .where(ContactRole.user_id.in_(customer_ids))
            .options(joinedload(ContactRole.organisation).selectinload(Organisation.agreements))
        ).unique()
        for contact in contacts:
            agreement = entitlement.active_agreement(contact.organisation)
            if agreement is not None:
                tiers[contact.user_id].add(agreement.tier)
    counts: Counter[str] = Counter()
    for uid, role in voters:
        if role == Role.EVALUATION.value:
            counts[EVALUATION] += 1
        elif role != Role.CUSTOMER.value:
            counts[STAFF] += 1
        elif "gold" in tiers[uid]:
            counts[GOLD] += 1
        elif "base" in tiers[uid]:
            counts[BASE] += 1
        else:
            counts[NO_AGREEMENT] += 1
    return [(label, counts[label]) for label in ORDER if counts[label]]
