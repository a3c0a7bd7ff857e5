"""Demo cases for Northwind Hosting (Base) and Contoso Cloud (Gold), in several states."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts import service as accounts
from portal.cases import closure, conversation, escalation
from portal.cases.filing import CaseDraft, file_case
from portal.cases.status import change_status
from portal.extensions import db
from portal.models import Case, CaseStatus
from portal.models.types import utcnow

# (organisation, contact, days ago, fields, what happens next)
DEMO_CASES = [
    (
        "Contoso Cloud",
        "admin@gold.example.com",
        0,
        dict(
            subject="Pool master unreachable after power failure",
            severity="P1",
            product="XenServer",
            version="5.0.0",
            description="After a power cut in our data centre the pool master does not come "
            "back. The slaves report that they cannot contact the master and no "
            "VMs can be started.",
            recent_changes="The UPS firmware was updated last week.",
        ),
        "new",
    ),
    (
        "Contoso Cloud",
        "admin@gold.example.com",
        3,
        dict(
            subject="XenMotion fails for Windows guests with large memory",
            severity="P2",
            product="XenServer",
            version="4.1.0",
            description="Live migration of Windows Server guests with more than 16 GB of memory "
            "stops at 99% and the guest is left paused on the source host.",
        ),
        "answered",
    ),
    (
        "Contoso Cloud",
        "admin@gold.example.com",
        6,
        dict(
            subject="Console in XenCenter shows a black screen",
            severity="P3",
            product="XenCenter",
            version="5.0.0",
            description="The graphical console of Linux guests stays black, while the text "
            "console works. Please escalate: our operators depend on it.",
        ),
        "escalated",
    ),
    (
        "Northwind Hosting",
        "admin@base.example.com",
        2,
        dict(
            subject="Question about storage repository limits",
            severity="P4",
            product="XenServer",
            version="5.0.0",
            description="How many virtual disks can one NFS storage repository hold before "
            "performance suffers?",
        ),
        "new",
    ),
    (
        "Northwind Hosting",
        "admin@base.example.com",
        12,
        dict(
            subject="Network bond drops packets after upgrade",
            severity="P2",
            product="XenServer",
            version="4.1.0",
            description="Since upgrading, the active-backup bond on our hosts drops about one "
            "packet in a thousand under load.",
        ),
        "closed",
    ),
]


def seed_demo_cases() -> str:
    """Idempotent: a case already filed with the same subject for its organisation is kept."""
    tse = accounts.find_user_by_email("tse@support.example.com")
    created = 0
    for org_name, email, days_ago, fields, story in DEMO_CASES:
        organisation = accounts.find_organisation(org_name)
        contact = accounts.find_user_by_email(email)
        if organisation is None or contact is None:
            continue
        exists = db.session.scalar(
            select(Case.id).where(
                Case.organisation_id == organisation.id, Case.subject == fields["subject"]
            )
        )
        if exists:
            continue
        filed_at = utcnow() - timedelta(days=days_ago, hours=2)
        case = file_case(contact, organisation, CaseDraft(**fields), now=filed_at)
        _play(case, story, tse, filed_at)
        created += 1
    return f"cases: {created} created"


def _play(case: Case, story: str, tse, filed_at) -> None:  # noqa: ANN001 - demo only
    if tse is None or story == "new":
        return
    reply_at = filed_at + timedelta(hours=1)
    case.owner = tse
    change_status(case, CaseStatus.ASSIGNED, tse, now=filed_at + timedelta(minutes=20))
    conversation.post_message(
        case,
        tse,
        "Thank you for the details. Could you attach a host bug report "
        "(`xe host-bugreport-upload`) from the affected host?",
        now=reply_at,
    )
    if story == "escalated":
        escalation.escalate(case, case.contact, reason="Asked for in the description.")
    if story == "closed":
        conversation.post_message(
            case,
            case.contact,
            "Bug report attached; it happens on every host.",
            now=reply_at + timedelta(hours=3),
        )
        change_status(
            case,
            CaseStatus.RESOLVED,
            tse,
            reason="Fixed by hotfix 4.1.1.",
            now=reply_at + timedelta(days=2),
        )
        closure.close_case(
            case,
            case.contact,
            reason="The customer confirmed the fix.",
            now=reply_at + timedelta(days=3),
        )
