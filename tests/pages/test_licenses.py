from datetime import date

from portal.extensions import db
from portal.licenses.service import seed_demo_licenses
from portal.models import ContactKind, OutgoingMail, RenewalRequest
from tests.conftest import make_contact, make_organisation, make_user


def _license_admin(ends_on=date(2099, 12, 31), name="Contoso Cloud"):
    org = make_organisation(name, tier="gold", starts_on=date(2025, 1, 1), ends_on=ends_on)
    make_contact(org, email="lic@example.com", kinds=(ContactKind.LICENSE_ADMIN,))
    return org


def test_license_admin_sees_agreements_and_keys(client, auth):
    _license_admin()
    seed_demo_licenses()
    db.session.commit()
    auth.login("lic@example.com")
    html = client.get("/licenses/").get_data(as_text=True)
    assert "Contoso Cloud" in html and "XenServer" in html and "Gold support until" in html


def test_renewal_request_is_recorded_and_mailed_to_sales_and_requester(client, auth, app):
    org = _license_admin()
    auth.login("lic@example.com")
    response = client.post(f"/licenses/{org.id}/renew", data={"note": "Add four hosts"})
    assert response.status_code == 302
    assert db.session.query(RenewalRequest).one().note == "Add four hosts"
    recipients = {m.recipient for m in db.session.query(OutgoingMail)}
    assert recipients == {app.config["SALES_EMAIL"], "lic@example.com"}


def test_renewal_for_another_organisation_is_404(client, auth):
    _license_admin()
    other = make_organisation("Other Org")
    auth.login("lic@example.com")
    assert client.post(f"/licenses/{other.id}/renew", data={}).status_code == 404
    assert db.session.query(RenewalRequest).count() == 0


def test_oversized_renewal_note_is_refused_and_kept(client, auth):
    org = _license_admin()
    auth.login("lic@example.com")
    response = client.post(f"/licenses/{org.id}/renew", data={"note": "x" * 2500})
    assert response.status_code == 400
    assert "under 2000" in response.get_data(as_text=True)
    assert db.session.query(RenewalRequest).count() == 0


def test_support_admin_without_license_role_is_refused(client, auth):
    org = make_organisation()
    make_contact(org, email="sup@example.com")
    auth.login("sup@example.com")
    assert client.get("/licenses/").status_code == 403


def test_evaluation_user_is_refused(client, auth):
    make_user("eval@example.com")
    auth.login("eval@example.com")
    assert client.get("/licenses/").status_code == 403


def test_expired_agreement_shows_renewal_prompt(client, auth):
    _license_admin(ends_on=date(2025, 6, 30), name="Lapsed Co")
    auth.login("lic@example.com")
    html = client.get("/licenses/").get_data(as_text=True)
    assert "No support agreement is in force" in html and "Request a renewal" in html
