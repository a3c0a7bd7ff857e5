"""The terms on suggestions, in the portal's own words (from the support guide, §3.5), and
who has accepted them. Ideas and the Feature Requests forum both ask for them.

Changing the text means a new TERMS_VERSION, so everyone accepts it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import SuggestionTermsAcceptance
from portal.models.types import utcnow

TERMS_VERSION = "2007-1"


def terms_paragraphs() -> list[str]:
    vendor = current_app.config["VENDOR_NAME"]
    return [
        f"When you send {vendor} a suggestion for improving its products, the suggestion "
        f"becomes the property of {vendor}.",
        f"{vendor} may use it for any business purpose without restriction, for example to "
        "shape product development or to improve support, and owes you nothing for it.",
        f"{vendor} will never use your suggestion in a way that identifies you personally.",
    ]


def has_accepted_terms(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(SuggestionTermsAcceptance.id).where(
                SuggestionTermsAcceptance.user_id == user.id,
                SuggestionTermsAcceptance.terms_version == TERMS_VERSION,
            )
        )
        is not None
    )


def accept_terms(user: Any, now: datetime | None = None) -> SuggestionTermsAcceptance:
    """Record that this person accepted the current terms, and when."""
    existing = db.session.scalar(
        select(SuggestionTermsAcceptance).where(
            SuggestionTermsAcceptance.user_id == user.id,
            SuggestionTermsAcceptance.terms_version == TERMS_VERSION,
        )
    )
    if existing is not None:
        return existing
    acceptance = SuggestionTermsAcceptance(
        user_id=user.id, terms_version=TERMS_VERSION, accepted_at=now or utcnow()
    )
    try:
        with db.session.begin_nested():  # a double submit may have recorded it meanwhile
            db.session.add(acceptance)
    except IntegrityError:
        return db.session.scalars(
            select(SuggestionTermsAcceptance).where(
                SuggestionTermsAcceptance.user_id == user.id,
                SuggestionTermsAcceptance.terms_version == TERMS_VERSION,
            )
        ).one()
    return acceptance
