from datetime import timedelta

from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.models import Case, CaseEvent, OutgoingMail
from portal.models.types import utcnow
from portal.releases import service as releases
from tests.conftest import make_contact, make_organisation


def _waiting_case(bug_id="CA-4242", status="awaiting_bug_fix"):
    org = make_organisation("Contoso Cloud", tier="gold")
    contact = make_contact(org, email="gold@example.com")
    case = Case(
        number="00000077",
        organisation=org,
        contact=contact,
        subject="Host hangs",
        description="Hangs under iSCSI load",
        product="XenServer",
        version="4.1",
        customer_severity="P2",
        severity="P2",
        tier="gold",
        status=status,
        bug_id=bug_id,
        filed_at=utcnow() - timedelta(days=20),
    )
    db.session.add(case)
    db.session.commit()
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


def test_production_release_moves_waiting_case_on_and_tells_the_customer(app):
    case = _waiting_case()
    releases.save_release(None, _release(production=True), None)
    db.session.commit()
    db.session.refresh(case)
    assert case.status == "waiting_on_customer"
    assert case.last_support_notice_at is not None
    mail = db.session.query(OutgoingMail).filter_by(recipient="gold@example.com").one()
    assert "XenServer 4.1.5" in mail.text_body
    assert db.session.query(CaseEvent).filter_by(case_id=case.id, kind="bug").count() == 1


def test_non_production_release_and_other_bugs_leave_the_case_waiting(app):
    case = _waiting_case()
    releases.save_release(None, _release(production=False), None)
    releases.save_release(
        None, _release(production=True, fixes=["CA-1"]) | {"version": "4.1.6"}, None
    )
    db.session.commit()
    db.session.refresh(case)
    assert case.status == "awaiting_bug_fix"


def test_case_awaiting_a_fix_is_never_auto_closed(app):
    case = _waiting_case()
    case.last_support_notice_at = utcnow() - timedelta(days=30)
    db.session.commit()
    run_pass(now=utcnow())
    db.session.refresh(case)
    assert case.status == "awaiting_bug_fix"
