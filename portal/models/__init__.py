"""Every model module is imported here so Alembic and the app see the whole schema."""

from portal.models.accounts import (
    Agreement,
    ApiToken,
    ContactKind,
    ContactRole,
    Organisation,
    Role,
    User,
)
from portal.models.jobs import Job, OutgoingMail
from portal.models.partners import Partner

__all__ = [
    "Agreement",
    "ApiToken",
    "ContactKind",
    "ContactRole",
    "Job",
    "Organisation",
    "OutgoingMail",
    "Partner",
    "Role",
    "User",
]
