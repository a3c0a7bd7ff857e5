"""Cases waiting for a bug fix move on when a production release that fixes the bug ships.

The releases feature sends `production_release_published`; this module listens, so
releases need not know about cases. Each waiting case is told which release carries its fix
and moves to "waiting on customer": the customer installs it and confirms. From then on the
usual seven-day rule applies, because support has just notified them.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.cases.status import change_status
from portal.cases.timeline import notify_customer, record_event
from portal.extensions import db
from portal.models import Case, CaseStatus, Release
from portal.models.types import utcnow
from portal.releases.service import production_release_published


def cases_waiting_for(release: Release) -> list[Case]:
    if not release.fixes:
        return []
    return list(
        db.session.scalars(
            select(Case).where(
                Case.bug_id.in_(release.fixes),
                Case.status == CaseStatus.AWAITING_BUG_FIX.value,
            )
        )
    )


def release_fixes_cases(release: Release) -> int:
    """Tell every case waiting for one of this release's fixes; returns how many moved on."""
    now = utcnow()
    moved = 0
    for case in cases_waiting_for(release):
        name = f"{release.product} {release.version}"
        record_event(case, "bug", None, {"bug_id": case.bug_id, "fixed_in": name}, now=now)
        change_status(
            case,
            CaseStatus.WAITING_ON_CUSTOMER,
            None,
            reason=f"The fix for bug {case.bug_id} is in {name}.",
            now=now,
        )
        notify_customer(
            case,
            f"A fix for your problem is available in {name}",
            restarts_auto_close=True,
            details=(
                f"Bug {case.bug_id}, which this case was waiting for, is fixed in {name}, now "
                "released for production use. Please install it and tell us on the case "
                "whether it solves the problem. The release notes are on the Release notes page."
            ),
            now=now,
        )
        moved += 1
    db.session.flush()
    return moved


@production_release_published.connect
def _on_production_release(release: Release, **_: object) -> None:
    release_fixes_cases(release)
