from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.models import ContactRole, Organisation, Partner, PolicyRecord, Role, User
from portal.offerings.service import current_policy
from portal.policy import Severity, Tier
from tests.conftest import make_organisation, make_user


@pytest.fixture
def admin(client, auth):
    user = make_user("root@example.com", Role.ADMIN, name="Ada Admin")
    auth.login("root@example.com")
    return user


def _sla_form(**overrides):
    form = {
        "base-opens": "01:00",
        "base-closes": "17:00",
        "base-holidays": "",
        "gold-opens": "05:00",
        "gold-closes": "18:00",
        "gold-holidays": "",
    }
    for tier, targets in {
        "base": ["business_days"] * 3 + ["none"] * 2,
        "gold": ["business_hours", "business_hours", "business_days", "none", "none"],
    }.items():
        amounts = [1, 1, 1, 0, 0] if tier == "base" else [2, 6, 1, 0, 0]
        for severity, kind, amount in zip(
            ["P1", "P2", "P3", "P4", "P5"], targets, amounts, strict=True
        ):
            form[f"{tier}-{severity}-kind"] = kind
            form[f"{tier}-{severity}-amount"] = str(amount)
    form.update(overrides)
    return form


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/organisations", "/admin/users", "/admin/sla", "/admin/partners"]
)
def test_administration_is_refused_to_everyone_else(client, auth, path):
    assert client.get(path).status_code == 302  # visitors are sent to log in
    make_user("tse@example.com", Role.TSE)
    auth.login("tse@example.com")
    assert client.get(path).status_code == 403


def test_admin_adds_an_organisation_with_an_agreement(client, admin):
    response = client.post(
        "/admin/organisations",
        data={
            "name": "Initech",
            "tier": "gold",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert response.status_code == 302
    org = db.session.query(Organisation).filter_by(name="Initech").one()
    assert org.agreements[0].tier == "gold"


def test_bad_agreement_dates_are_refused_and_the_name_kept(client, admin):
    response = client.post(
        "/admin/organisations",
        data={
            "name": "Initech",
            "tier": "gold",
            "starts_on": "2026-12-31",
            "ends_on": "2026-01-01",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "end after it starts" in html and 'value="Initech"' in html
    assert 'aria-describedby="ends_on-error"' in html  # the message sits beside the end date
    assert db.session.query(Organisation).count() == 0


def test_admin_makes_an_evaluator_a_support_administrator(client, admin):
    org = make_organisation("Initech")
    evaluator = make_user("evan@example.com")
    response = client.post(
        f"/admin/organisations/{org.id}",
        data={"action": "add-contact", "email": "EVAN@example.com", "kind": "support-admin"},
    )
    assert response.status_code == 302
    db.session.refresh(evaluator)
    assert evaluator.role == "customer"
    assert [c.kind for c in evaluator.contact_roles] == ["support-admin"]


def test_staff_cannot_be_made_customer_contacts(client, admin):
    org = make_organisation("Initech")
    make_user("tse@example.com", Role.TSE)
    response = client.post(
        f"/admin/organisations/{org.id}",
        data={"action": "add-contact", "email": "tse@example.com", "kind": "support-admin"},
    )
    assert response.status_code == 400
    assert db.session.query(ContactRole).count() == 0


def test_admin_changes_a_role_but_not_their_own(client, admin):
    person = make_user("pat@example.com")
    assert (
        client.post(f"/admin/users/{person.id}", data={"role": "tse", "active": "on"}).status_code
        == 302
    )
    db.session.refresh(person)
    assert person.role == "tse"
    response = client.post(f"/admin/users/{admin.id}", data={"role": "tse", "active": "on"})
    assert response.status_code == 400
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_user_list_filters_by_role_and_text(client, admin):
    make_user("alpha@example.com", Role.TSE, name="Alpha Tse")
    make_user("beta@example.com", name="Beta Eval")
    html = client.get("/admin/users?role=tse").get_data(as_text=True)
    assert "alpha@example.com" in html and "beta@example.com" not in html
    html = client.get("/admin/users?q=beta").get_data(as_text=True)
    assert "beta@example.com" in html and "alpha@example.com" not in html


def test_sla_table_edit_changes_due_times_for_new_cases(client, admin):
    response = client.post(
        "/admin/sla", data=_sla_form(**{"gold-P1-amount": "4", "note": "Slower P1 for a trial"})
    )
    assert response.status_code == 302
    policy = current_policy()
    assert policy.target_for(Tier.GOLD, Severity.P1).describe() == "4 business hours"
    filed = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # Tuesday 08:00 Pacific
    assert policy.response_due_at(filed, Tier.GOLD, Severity.P1) == datetime(
        2026, 11, 24, 20, 0, tzinfo=UTC
    )
    assert "4 business hours" in client.get("/support/").get_data(as_text=True)
    assert "Slower P1 for a trial" in client.get("/admin/sla").get_data(as_text=True)


def test_sla_table_with_bad_values_saves_nothing_and_keeps_input(client, admin):
    response = client.post(
        "/admin/sla",
        data=_sla_form(
            **{
                "gold-opens": "19:00",
                "base-holidays": "2026-12-25\nnot-a-date",
                "base-P2-amount": "-3",
            }
        ),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "must be after" in html and "not-a-date" in html and "whole number" in html
    for name in ("gold-closes", "base-holidays", "base-P2-amount"):  # each beside its input
        assert f'aria-describedby="{name}-error" aria-invalid="true" id="{name}"' in html
    assert db.session.query(PolicyRecord).count() == 0


def test_sla_holidays_are_closed_days(client, admin):
    client.post("/admin/sla", data=_sla_form(**{"base-holidays": "2026-11-26"}))
    policy = current_policy()
    filed = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)  # Wednesday 15:00 Pacific
    due = policy.response_due_at(filed, Tier.BASE, Severity.P1)
    assert due.date().isoformat() == "2026-11-27"  # Thursday is a holiday


def test_admin_adds_edits_and_removes_a_partner(client, admin):
    data = {
        "name": "Fjord Virtual",
        "kind": "reseller",
        "region": "Europe",
        "country": "Norway",
        "website": "https://fjord.example.com",
    }
    assert client.post("/admin/partners", data=data).status_code == 302
    partner = db.session.query(Partner).one()
    assert "Fjord Virtual" in client.get("/partners/?region=Europe").get_data(as_text=True)
    bad = client.post(f"/admin/partners/{partner.id}", data=data | {"website": "javascript:x"})
    assert bad.status_code == 400
    assert (
        client.post(f"/admin/partners/{partner.id}", data={"action": "delete"}).status_code == 302
    )
    assert db.session.query(Partner).count() == 0


def test_unknown_records_are_404(client, admin):
    assert client.get("/admin/organisations/999").status_code == 404
    assert client.get("/admin/users/999").status_code == 404
    assert client.get("/admin/partners/999").status_code == 404
    assert db.session.query(User).count() == 1
