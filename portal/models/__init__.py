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
from portal.models.docs import DocPage
from portal.models.jobs import Job, OutgoingMail
from portal.models.licenses import LicenseKey, RenewalRequest
from portal.models.partners import Partner
from portal.models.releases import Release, ReleaseKind
from portal.models.settings import PolicyRecord

__all__ = [
    "Agreement",
    "ApiToken",
    "ContactKind",
    "ContactRole",
    "DocPage",
    "Job",
    "LicenseKey",
    "Organisation",
    "OutgoingMail",
    "Partner",
    "PolicyRecord",
    "Release",
    "ReleaseKind",
    "RenewalRequest",
    "Role",
    "User",
]
