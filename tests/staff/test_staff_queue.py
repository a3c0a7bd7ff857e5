from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import event, insert

from portal.cases import conversation, escalation, triage
from portal.extensions import db
from portal.models import Case, Deflection, Role, StaffProfile
from portal.models.types import utcnow
from portal.staff import queue
from tests.conftest import TUESDAY_MORNING, make_case, make_user


@pytest.fixture
def logged_in_tse(client, auth):
    user = make_user("tse@example.com", Role.TSE, name="Tomas Tse")
    auth.login("tse@example.com")
    return user


def test_queue_lists_unassigned_cases_soonest_due_first(
    client, logged_in_tse, gold_contact, contoso
):
    # Gold P2 cases are due six business hours after filing: the later filing is due later.
    due_later = make_case(gold_contact, contoso, now=TUESDAY_MORNING + timedelta(hours=3))
    due_sooner = make_case(gold_contact, contoso, now=TUESDAY_MORNING)
    taken = make_case(gold_contact, contoso)
    triage.assign(taken, logged_in_tse, logged_in_tse)
    db.session.commit()
    html = client.get("/staff/?view=unassigned").get_data(as_text=True)
    assert html.index(due_sooner.number) < html.index(due_later.number)
    assert taken.number not in html


def test_breached_and_at_risk_cases_stand_out(client, logged_in_tse, gold_contact, contoso):
    now = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # Wednesday 10:00 Pacific
    # Gold P1 is due two business hours after filing, P2 six.
    breached = make_case(gold_contact, contoso, severity="P1", now=now - timedelta(hours=3))
    at_risk = make_case(gold_contact, contoso, severity="P1", now=now - timedelta(minutes=100))
    on_track = make_case(gold_contact, contoso, severity="P2", now=now)
    assert breached.response_due_at == now - timedelta(hours=1)
    assert at_risk.response_due_at == now + timedelta(minutes=20)
    assert on_track.response_due_at == now + timedelta(hours=6)
    page = queue.queue_page(logged_in_tse, queue.QueueFilters(view="all"), now=now)
    flags = {row.case.number: row.sla.value for row in page.rows.items}
    assert flags == {
        breached.number: "breached",
        at_risk.number: "at_risk",
        on_track.number: "on_track",
    }


def test_filters_narrow_the_queue_and_bad_values_are_ignored(
    client, logged_in_tse, gold_contact, contoso
):
    server_p1 = make_case(gold_contact, contoso, severity="P1")
    center_p3 = make_case(gold_contact, contoso, severity="P3", product="XenCenter")
    html = client.get("/staff/?view=all&severity=P1").get_data(as_text=True)
    assert server_p1.number in html and center_p3.number not in html
    html = client.get("/staff/?view=all&product=XenCenter&severity=P9&page=abc").get_data(
        as_text=True
    )
    assert center_p3.number in html and server_p1.number not in html


def test_team_view_shows_colleagues_cases(client, logged_in_tse, gold_contact, contoso):
    colleague = make_user("mate@example.com", Role.TSE, name="Mia Mate")
    outsider = make_user("other@example.com", Role.TSE, name="Oli Other")
    db.session.add_all(
        [
            StaffProfile(user_id=logged_in_tse.id, team="Storage"),
            StaffProfile(user_id=colleague.id, team="Storage"),
            StaffProfile(user_id=outsider.id, team="Networking"),
        ]
    )
    colleagues_case = make_case(gold_contact, contoso)
    outsiders_case = make_case(gold_contact, contoso)
    triage.assign(colleagues_case, colleague, colleague)
    triage.assign(outsiders_case, outsider, outsider)
    db.session.commit()
    html = client.get("/staff/?view=team").get_data(as_text=True)
    assert colleagues_case.number in html and outsiders_case.number not in html


def test_queue_refresh_returns_only_the_table_for_htmx(
    client, logged_in_tse, gold_contact, contoso
):
    case = make_case(gold_contact, contoso)
    fragment = client.get("/staff/?view=all", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and case.number in fragment
    page = client.get("/staff/?view=all").get_data(as_text=True)
    assert "<html" in page and 'hx-trigger="every 30s"' in page


def test_queue_page_costs_the_same_sql_for_ten_or_ten_thousand_cases(
    app, logged_in_tse, gold_contact, contoso
):
    def statements_for_page() -> tuple[int, int]:
        count = 0

        g.pop("support_policy", None)  # the policy is read once per request

        def counter(*_args):
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            page = queue.queue_page(logged_in_tse, queue.QueueFilters(view="all"))
            [row.case.owner and row.case.owner.name for row in page.rows.items]
            [row.case.organisation.name for row in page.rows.items]
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return count, len(page.rows.items)

    for n in range(10):
        case = make_case(gold_contact, contoso, subject=f"Case {n}")
        if n % 2:
            triage.assign(case, logged_in_tse, logged_in_tse)
    db.session.commit()
    db.session.expire_all()
    small, shown = statements_for_page()
    assert shown == 10
    # The other 9,990 go straight into the table: filing that many through the service would
    # take minutes, and this test only counts the statements one page of the queue costs.
    now = utcnow()
    rows = [
        {
            "number": f"{n:08d}",
            "organisation_id": contoso.id,
            "contact_id": gold_contact.id,
            "owner_id": logged_in_tse.id if n % 2 else None,
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
    client, auth, gold_contact, contoso
):
    filed = utcnow() - timedelta(days=10)
    engineer = make_user("engineer@example.com", Role.TSE, name="Eli Engineer")
    answered_in_time = make_case(gold_contact, contoso, now=filed)
    conversation.post_message(
        answered_in_time, engineer, "On it.", now=filed + timedelta(minutes=1)
    )
    answered_late = make_case(gold_contact, contoso, now=filed)
    conversation.post_message(answered_late, engineer, "Sorry.", now=filed + timedelta(days=9))
    escalated = make_case(gold_contact, contoso, now=filed, subject="Pool master lost")
    escalation.escalate(escalated, gold_contact, reason="Still down", now=filed)
    db.session.add(Deflection(query="nfs", article_key="article:nfs-setup"))
    db.session.commit()
    assert (answered_in_time.response_met, answered_late.response_met) == (True, False)
    make_user("manager@example.com", Role.MANAGER)
    auth.login("manager@example.com")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    # The escalated case was never answered and its target has passed: a miss, so 1 of 3.
    assert "(1 of 3)" in html and "Pool master lost" in html and "<svg" in html
    assert "<strong>1</strong> filing in the last 30 days" in html


def test_dashboard_is_for_managers(client, logged_in_tse):
    assert client.get("/staff/dashboard").status_code == 403


def test_staff_profile_keeps_team_and_skills(client, logged_in_tse):
    response = client.post("/staff/profile", data={"team": "Storage", "skills": "NFS, iSCSI, nfs"})
    assert response.status_code == 302
    profile = db.session.query(StaffProfile).one()
    assert profile.team == "Storage" and profile.skills == ["NFS", "iSCSI"]
    bad = client.post("/staff/profile", data={"team": "Storage", "skills": "x" * 50})
    assert bad.status_code == 400


def test_the_last_queue_page_holds_the_end_of_the_queue_in_order(
    client, logged_in_tse, gold_contact, contoso
):
    # 120 open cases: 100 unanswered due one minute apart, then 20 answered ones, which
    # come after every unanswered case, the customer's latest word first.
    now = utcnow()
    rows = []
    for n in range(120):
        answered = n >= 100
        rows.append(
            {
                "number": f"{90000000 + n:08d}",
                "organisation_id": contoso.id,
                "contact_id": gold_contact.id,
                "subject": f"Queue case {n:03d}",
                "description": "Broken",
                "product": "XenServer",
                "version": "4.1",
                "customer_severity": "P3",
                "severity": "P3",
                "tier": "gold",
                "status": "waiting_on_support" if answered else "new",
                "filed_at": now - timedelta(hours=2),
                "response_due_at": now + timedelta(minutes=n),
                "first_response_at": now - timedelta(hours=1) if answered else None,
                "last_customer_update_at": now - timedelta(minutes=n),
            }
        )
    db.session.execute(insert(Case), rows)
    db.session.commit()

    last = queue.queue_page(logged_in_tse, queue.QueueFilters(view="all", page=3))
    subjects = [row.case.subject for row in last.rows.items]
    assert (last.rows.page, last.rows.pages, last.rows.total) == (3, 3, 120)
    assert subjects == [f"Queue case {n:03d}" for n in range(100, 120)]
    middle = queue.queue_page(logged_in_tse, queue.QueueFilters(view="all", page=2))
    assert [row.case.subject for row in middle.rows.items] == [
        f"Queue case {n:03d}" for n in range(50, 100)
    ]
    html = client.get("/staff/?view=all&page=3").get_data(as_text=True)
    assert "Page 3 of 3" in html and html.index("Queue case 100") < html.index("Queue case 119")
