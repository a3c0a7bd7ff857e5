"""One standing everywhere: for the same case at the same moment, the case page clock, the
queue flag, the API's `sla` field and the SLA alert job agree, and so does a changed setting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.cases import closure, conversation
from portal.cases.clock import response_clock
from portal.cases.standing import case_standing
from portal.extensions import db
from portal.models import Case, Role
from portal.models.types import utcnow
from portal.offerings.service import current_policy
from portal.policy import SlaStanding
from portal.staff import alerts, queue
from tests.conftest import PASSWORD, make_contact, make_organisation, make_user
from tests.conftest import make_case as file_for

# Tuesday 24 November 2026; Los Angeles is UTC-8. Gold hours open at 05:00 there.
LA_0500 = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
NOW = LA_0500 + timedelta(hours=4, minutes=45)  # 09:45 in Los Angeles
ALERT_LEVEL = {SlaStanding.AT_RISK: alerts.AT_RISK, SlaStanding.BREACHED: alerts.BREACHED}


def la(hour: int, minute: int = 0) -> datetime:
    return LA_0500 + timedelta(hours=hour - 5, minutes=minute)


@pytest.fixture
def people(app):
    contoso = make_organisation("Contoso Cloud", "gold", date(2026, 1, 1), date(2027, 12, 31))
    contact = make_contact(contoso, email="admin@gold.example.com")
    tse = make_user("tse@support.example.com", Role.TSE, name="Tomas Tanaka")
    make_user("manager@support.example.com", Role.MANAGER, name="Maya Moreno")
    return contoso, contact, tse


@pytest.fixture
def cases_in_every_standing(people) -> dict[str, tuple[Case, SlaStanding]]:
    """Gold cases that stand, at NOW, in each of the six standings (two ways to miss)."""
    contoso, contact, tse = people

    def filed(subject: str, severity: str, at: datetime) -> Case:
        return file_for(contact, contoso, now=at, subject=subject, severity=severity)

    on_track = filed("On track", "P2", la(8))  # due 14:00, over four hours left
    at_risk = filed("At risk", "P1", la(8))  # due 10:00, a quarter hour left of two
    breached = filed("Breached", "P1", la(6))  # due 08:00
    met = filed("Met", "P2", la(8))
    conversation.post_message(met, tse, "Looking now.", now=la(8, 30))
    missed = filed("Missed", "P1", la(5))  # due 07:00
    conversation.post_message(missed, tse, "Sorry for the wait.", now=la(8))
    none = filed("No target", "P4", la(8))
    closed_late = filed("Closed after its due time", "P1", la(5, 30))  # due 07:30
    closure.close_case(closed_late, contact, reason="Found it myself.", now=la(8))
    closed_early = filed("Closed before its due time", "P1", la(7))  # due 09:00
    closure.close_case(closed_early, contact, reason="Found it myself.", now=la(8))
    db.session.commit()
    expected = {
        on_track: SlaStanding.ON_TRACK,
        at_risk: SlaStanding.AT_RISK,
        breached: SlaStanding.BREACHED,
        met: SlaStanding.MET,
        missed: SlaStanding.MISSED,
        none: SlaStanding.NONE,
        closed_late: SlaStanding.MISSED,
        closed_early: SlaStanding.NONE,
    }
    return {case.number: (case, standing) for case, standing in expected.items()}


def api_standings(client, email: str) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    listed = client.get("/api/v1/cases", headers=headers).get_json()
    return {row["number"]: row["sla"] for row in listed["results"]}


def test_page_queue_api_and_alerts_agree_at_the_same_moment(
    client, people, cases_in_every_standing, monkeypatch
):
    _, _, tse = people
    expected = {number: standing for number, (_, standing) in cases_in_every_standing.items()}
    assert {case_standing(c, NOW) for c, _ in cases_in_every_standing.values()} == set(SlaStanding)

    page = {n: response_clock(c, NOW).sla for n, (c, _) in cases_in_every_standing.items()}
    flags = {
        row.case.number: row.sla
        for row in queue.queue_page(tse, queue.QueueFilters("all"), NOW).rows.items
    }
    monkeypatch.setattr("portal.api.cases.utcnow", lambda: NOW)  # the API reads the clock
    api = api_standings(client, "admin@gold.example.com")
    alerts.send_sla_alerts(NOW)
    levels = {
        n: level for n, level in db.session.execute(select(Case.number, Case.sla_alert_level))
    }

    assert page == expected
    assert api == {number: standing.value for number, standing in expected.items()}
    open_cases = {n for n, (c, _) in cases_in_every_standing.items() if c.is_open}
    assert flags == {number: expected[number] for number in open_cases}
    assert levels == {number: ALERT_LEVEL.get(standing, 0) for number, standing in expected.items()}


def test_the_at_risk_share_setting_moves_every_surface_together(
    app, client, people, cases_in_every_standing, monkeypatch
):
    _, _, tse = people
    on_track = next(c for c, s in cases_in_every_standing.values() if s is SlaStanding.ON_TRACK)
    app.config["SLA_AT_RISK_SHARE"] = 0.8  # 4 h 15 min left of 6 h is now under the line

    flags = {
        row.case.number: row.sla
        for row in queue.queue_page(tse, queue.QueueFilters("all"), NOW).rows.items
    }
    monkeypatch.setattr("portal.api.cases.utcnow", lambda: NOW)
    api = api_standings(client, "admin@gold.example.com")
    alerts.send_sla_alerts(NOW)
    db.session.refresh(on_track)

    assert response_clock(on_track, NOW).sla is SlaStanding.AT_RISK
    assert flags[on_track.number] is SlaStanding.AT_RISK
    assert api[on_track.number] == "at_risk"
    assert on_track.sla_alert_level == alerts.AT_RISK


def test_the_rendered_case_page_queue_and_api_agree_right_now(client, auth, people):
    """The pages read the real clock: cases far from any boundary stand still while we look."""
    contoso, contact, tse = people
    policy = current_policy()
    hours = policy.hours_for("gold")
    now = utcnow()
    at_risk = file_for(contact, contoso, now=now, subject="Nearly due", severity="P1")
    # A tenth of the two hours left, counted in business hours: at risk for at least 12 min.
    at_risk.response_due_at = hours.add_business_time(now, timedelta(minutes=12))
    breached = file_for(contact, contoso, now=now, subject="Long overdue", severity="P1")
    breached.response_due_at = now - timedelta(days=1)
    db.session.commit()

    api = api_standings(client, "admin@gold.example.com")
    auth.login("tse@support.example.com", PASSWORD)
    queue_html = client.get("/staff/?view=all").get_data(as_text=True)
    for case, standing in ((at_risk, SlaStanding.AT_RISK), (breached, SlaStanding.BREACHED)):
        page = client.get(f"/cases/{case.number}").get_data(as_text=True)
        assert f'data-sla="{standing.value}"' in page
        assert api[case.number] == standing.value
        row = queue_html[queue_html.index(f">{case.number}</a>") :].split("</tr>")[0]
        assert f'<strong class="sla-flag">{standing.label}</strong>' in row
        assert response_clock(case, utcnow()).sla is standing
