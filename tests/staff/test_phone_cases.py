from portal.extensions import db
from portal.models import Case, OutgoingMail, Role
from tests.conftest import make_contact, make_organisation, make_user


def _form(contact_id, **overrides):
    return {
        "contact": str(contact_id),
        "product": "XenServer",
        "version": "4.1",
        "severity": "P1",
        "subject": "Pool down after power cut",
        "description": "No host answers XenCenter.",
    } | overrides


def test_tse_logs_a_phone_case_for_a_gold_contact(client, auth):
    gold = make_organisation("Contoso Cloud", tier="gold")
    contact = make_contact(gold, email="gold@example.com")
    make_user("tse@example.com", Role.TSE)
    auth.login("tse@example.com")
    role_id = contact.contact_roles[0].id
    page = client.get("/staff/phone-case").get_data(as_text=True)
    assert "gold@example.com" in page
    response = client.post("/staff/phone-case", data=_form(role_id))
    assert response.status_code == 302
    case = db.session.query(Case).one()
    assert case.channel == "phone" and case.contact == contact
    assert case.filed_by.email == "tse@example.com"
    assert db.session.query(OutgoingMail).filter_by(recipient="gold@example.com").count() == 1


def test_base_contacts_are_not_offered_and_are_refused(client, auth):
    base = make_organisation("Northwind", tier="base")
    contact = make_contact(base, email="base@example.com")
    make_contact(make_organisation("Contoso Cloud", tier="gold"), email="gold@example.com")
    make_user("tse@example.com", Role.TSE)
    auth.login("tse@example.com")
    page = client.get("/staff/phone-case").get_data(as_text=True)
    assert "gold@example.com" in page and "base@example.com" not in page
    response = client.post("/staff/phone-case", data=_form(contact.contact_roles[0].id))
    assert response.status_code == 400
    assert "Gold organisation" in response.get_data(as_text=True)
    assert db.session.query(Case).count() == 0


def test_missing_subject_keeps_what_was_typed(client, auth):
    gold = make_organisation("Contoso Cloud", tier="gold")
    contact = make_contact(gold, email="gold@example.com")
    make_user("tse@example.com", Role.TSE)
    auth.login("tse@example.com")
    response = client.post("/staff/phone-case", data=_form(contact.contact_roles[0].id, subject=""))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "No host answers XenCenter." in html
    assert 'aria-describedby="subject-error" aria-invalid="true" id="subject"' in html


def test_customers_cannot_log_phone_cases(client, auth):
    gold = make_organisation("Contoso Cloud", tier="gold")
    make_contact(gold, email="gold@example.com")
    auth.login("gold@example.com")
    assert client.get("/staff/phone-case").status_code == 403


def test_staff_opening_the_customer_form_are_sent_to_the_phone_form(client, auth):
    make_user("tse@example.com", Role.TSE)
    auth.login("tse@example.com")
    response = client.get("/cases/new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/phone-case")
