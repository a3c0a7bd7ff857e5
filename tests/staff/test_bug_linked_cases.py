from datetime import timedelta

import pytest

from portal.cases import triage
from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.models import Case, CaseEvent, OutgoingMail, Role
from portal.models.types import utcnow
from portal.releases import service as releases
from tests.conftest import make_case, make_user


@pytest.fixture
def gold_p2_case_awaiting_bug_fix(gold_contact, contoso) -> Case:
    """Contoso's P2 case, filed a month ago; a TSE linked bug CA-4242 a day later, so it has
    waited thirty days for a production release with the fix."""
    filed = utcnow() - timedelta(days=31)
    case = make_case(
        gold_contact,
        contoso,
        now=filed,
        subject="Host hangs",
        description="Hangs under iSCSI load",
        version="4.1",
    )
    tse = make_user("tse@support.example.com", Role.TSE)
    triage.set_bug(case, "CA-4242", tse, now=filed + timedelta(days=1))
    db.session.commit()
    assert case.status == "awaiting_bug_fix"
    return case


def _release(production, fixes=("CA-4242",)):
    return {
        "product": "XenServer",
        "version": "4.1.5",
        "kind": "hotfix",
        "notes": "Fix",
        "fixes": list(fixes),
        "production": production,
    }


def _mails_to_the_customer() -> list[OutgoingMail]:
    return db.session.query(OutgoingMail).filter_by(recipient="admin@gold.example.com").all()


def _bug_events(case: Case) -> int:
    return db.session.query(CaseEvent).filter_by(case_id=case.id, kind="bug").count()


def test_production_release_moves_waiting_case_on_and_tells_the_customer(
    app, gold_p2_case_awaiting_bug_fix
):
    case = gold_p2_case_awaiting_bug_fix
    mails_before, events_before = len(_mails_to_the_customer()), _bug_events(case)
    linked_notice = case.last_support_notice_at
    releases.save_release(None, _release(production=True), None)
    db.session.commit()
    db.session.refresh(case)
    assert case.status == "waiting_on_customer"
    assert case.last_support_notice_at > linked_notice
    [mail] = _mails_to_the_customer()[mails_before:]
    assert "XenServer 4.1.5" in mail.text_body
    assert _bug_events(case) == events_before + 1


def test_non_production_release_and_other_bugs_leave_the_case_waiting(
    app, gold_p2_case_awaiting_bug_fix
):
    case = gold_p2_case_awaiting_bug_fix
    releases.save_release(None, _release(production=False), None)
    releases.save_release(
        None, _release(production=True, fixes=["CA-1"]) | {"version": "4.1.6"}, None
    )
    db.session.commit()
    db.session.refresh(case)
    assert case.status == "awaiting_bug_fix"


def test_case_awaiting_a_fix_is_never_auto_closed(app, gold_p2_case_awaiting_bug_fix):
    case = gold_p2_case_awaiting_bug_fix
    assert case.last_support_notice_at <= utcnow() - timedelta(days=7)  # silent long enough
    run_pass(now=utcnow())
    db.session.refresh(case)
    assert case.status == "awaiting_bug_fix"
