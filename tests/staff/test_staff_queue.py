from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import event, insert

from portal.extensions import db
from portal.models import Case, Deflection, Role, StaffProfile
from portal.models.types import utcnow
from portal.staff import queue
from tests.conftest import make_contact, make_organisation, make_user


@pytest.fixture
def org_and_contact(app):
    org = make_organisation("Contoso Cloud", tier="gold")
    return org, make_contact(org, email="gold@example.com")


def add_case(org, contact, n, **fields):
    values = dict(
        number=f"{n:08d}",
        organisation=org,
        contact=contact,
        subject=f"Case {n}",
        description="Broken",
        product="XenServer",
        version="4.1",
        customer_severity="P2",
        severity="P2",
        tier="gold",
        status="new",
        filed_at=utcnow() - timedelta(hours=1),
        response_due_at=utcnow() + timedelta(hours=5),
    )
    values.update(fields)
    case = Case(**values)
    db.session.add(case)
    return case


@pytest.fixture
def tse(client, auth):
    user = make_user("tse@example.com", Role.TSE, name="Tomas Tse")
    auth.login("tse@example.com")
    return user


def test_queue_lists_unassigned_cases_soonest_due_first(client, tse, org_and_contact):
    org, contact = org_and_contact
    add_case(org, contact, 1, response_due_at=utcnow() + timedelta(hours=4))
    add_case(org, contact, 2, response_due_at=utcnow() + timedelta(hours=1))
    add_case(org, contact, 3, owner=tse)
    db.session.commit()
    html = client.get("/staff/?view=unassigned").get_data(as_text=True)
    assert html.index("00000002") < html.index("00000001")
    assert "00000003" not in html


def test_breached_and_at_risk_cases_stand_out(client, tse, org_and_contact):
    org, contact = org_and_contact
    now = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # Wednesday 10:00 Pacific
    add_case(
        org,
        contact,
        1,
        severity="P1",
        filed_at=now - timedelta(hours=3),
        response_due_at=now - timedelta(hours=1),
    )
    add_case(
        org,
        contact,
        2,
        severity="P1",
        filed_at=now - timedelta(minutes=100),
        response_due_at=now + timedelta(minutes=20),
    )
    add_case(org, contact, 3, severity="P2", filed_at=now, response_due_at=now + timedelta(hours=6))
    db.session.commit()
    page = queue.queue_page(tse, queue.QueueFilters(view="all"), now=now)
    flags = {row.case.number: row.sla.value for row in page.rows.items}
    assert flags == {"00000001": "breached", "00000002": "at_risk", "00000003": "on_track"}


def test_filters_narrow_the_queue_and_bad_values_are_ignored(client, tse, org_and_contact):
    org, contact = org_and_contact
    add_case(org, contact, 1, severity="P1")
    add_case(org, contact, 2, severity="P3", product="XenCenter")
    db.session.commit()
    html = client.get("/staff/?view=all&severity=P1").get_data(as_text=True)
    assert "00000001" in html and "00000002" not in html
    html = client.get("/staff/?view=all&product=XenCenter&severity=P9&page=abc").get_data(
        as_text=True
    )
    assert "00000002" in html and "00000001" not in html


def test_team_view_shows_colleagues_cases(client, tse, org_and_contact):
    org, contact = org_and_contact
    colleague = make_user("mate@example.com", Role.TSE, name="Mia Mate")
    outsider = make_user("other@example.com", Role.TSE, name="Oli Other")
    db.session.add_all(
        [
            StaffProfile(user_id=tse.id, team="Storage"),
            StaffProfile(user_id=colleague.id, team="Storage"),
            StaffProfile(user_id=outsider.id, team="Networking"),
        ]
    )
    add_case(org, contact, 1, owner=colleague)
    add_case(org, contact, 2, owner=outsider)
    db.session.commit()
    html = client.get("/staff/?view=team").get_data(as_text=True)
    assert "00000001" in html and "00000002" not in html


def test_queue_refresh_returns_only_the_table_for_htmx(client, tse, org_and_contact):
    org, contact = org_and_contact
    add_case(org, contact, 1)
    db.session.commit()
    fragment = client.get("/staff/?view=all", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "00000001" in fragment
    page = client.get("/staff/?view=all").get_data(as_text=True)
    assert "<html" in page and 'hx-trigger="every 30s"' in page


def test_queue_page_costs_the_same_sql_for_ten_or_ten_thousand_cases(app, tse, org_and_contact):
    org, contact = org_and_contact

    def statements_for_page() -> tuple[int, int]:
        count = 0

        g.pop("support_policy", None)  # the policy is read once per request

        def counter(*_args):
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            page = queue.queue_page(tse, queue.QueueFilters(view="all"))
            [row.case.owner and row.case.owner.name for row in page.rows.items]
            [row.case.organisation.name for row in page.rows.items]
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return count, len(page.rows.items)

    for n in range(10):
        add_case(org, contact, n, owner=tse if n % 2 else None)
    db.session.commit()
    db.session.expire_all()
    small, shown = statements_for_page()
    assert shown == 10
    now = utcnow()
    rows = [
        {
            "number": f"{n:08d}",
            "organisation_id": org.id,
            "contact_id": contact.id,
            "owner_id": tse.id if n % 2 else None,
            "subject": f"Case {n}",
            "description": "Broken",
            "product": "XenServer",
            "version": "4.1",
            "customer_severity": "P2",
            "severity": "P2",
            "tier": "gold",
            "status": "new",
            "filed_at": now - timedelta(hours=1),
            "response_due_at": now + timedelta(minutes=n % 600),
        }
        for n in range(10, 10_000)
    ]
    db.session.execute(insert(Case), rows)
    db.session.commit()
    db.session.expire_all()
    large, shown = statements_for_page()
    assert large == small and shown == queue.PAGE_SIZE


def test_queue_is_for_support_staff_only(client, auth):
    make_user("writer@example.com", Role.KB_ENGINEER)
    auth.login("writer@example.com")
    assert client.get("/staff/").status_code == 403
    auth.logout()
    make_user("eval@example.com")
    auth.login("eval@example.com")
    assert client.get("/staff/").status_code == 403


def test_dashboard_shows_attainment_backlog_escalations_and_deflections(
    client, auth, org_and_contact
):
    org, contact = org_and_contact
    now = utcnow()
    add_case(org, contact, 1, first_response_at=now, response_met=True, filed_at=now)
    add_case(org, contact, 2, first_response_at=now, response_met=False, filed_at=now)
    add_case(org, contact, 3, escalated=True, escalated_at=now, subject="Pool master lost")
    db.session.add(Deflection(query="nfs", article_key="article:nfs-setup"))
    db.session.commit()
    make_user("manager@example.com", Role.MANAGER)
    auth.login("manager@example.com")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert "50%" in html and "Pool master lost" in html and "<svg" in html
    assert "<strong>1</strong> filing in the last 30 days" in html


def test_dashboard_is_for_managers(client, tse):
    assert client.get("/staff/dashboard").status_code == 403


def test_staff_profile_keeps_team_and_skills(client, tse):
    response = client.post("/staff/profile", data={"team": "Storage", "skills": "NFS, iSCSI, nfs"})
    assert response.status_code == 302
    profile = db.session.query(StaffProfile).one()
    assert profile.team == "Storage" and profile.skills == ["NFS", "iSCSI"]
    bad = client.post("/staff/profile", data={"team": "Storage", "skills": "x" * 50})
    assert bad.status_code == 400
