"""/staff/mail/: staff see why a message was not filed, then attach it to a case or discard
it; the page works without JavaScript and as HTMX fragments."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.cases import conversation
from portal.extensions import db
from portal.models import CaseMessage, IncomingMail
from tests.conftest import PASSWORD
from tests.mail.conftest import FILED
from tests.mailgate import messages
from tests.mailgate.conftest import last_case_mail, pipe, received

HTMX = {"HX-Request": "true"}


@pytest.fixture
def staff_client(client, tse):  # noqa: ANN001, ANN201
    client.post("/login", data={"email": tse.email, "password": PASSWORD})
    return client


def test_staff_see_recorded_mail_with_its_reason(app, staff_client, customer):
    pipe(app, messages.base64_plain("someone@elsewhere.example", "Quote <please>", "Hi there"))
    pipe(app, messages.base64_plain(customer.email, "Question", "x"))  # answered, not listed

    page = staff_client.get("/staff/mail/")
    html = page.get_data(as_text=True)

    assert page.status_code == 200 and "<html" in html
    assert (
        "Quote &lt;please&gt;" in html and "someone@elsewhere.example is not a portal user" in html
    )
    assert "Question" not in html
    everything = staff_client.get("/staff/mail/?show=all", headers=HTMX).get_data(as_text=True)
    assert "<html" not in everything and "Question" in everything and "Answered" in everything


def test_customers_cannot_open_the_staff_mail_view(app, client, customer):
    client.post("/login", data={"email": customer.email, "password": PASSWORD})
    assert client.get("/staff/mail/").status_code == 403


def test_attaching_a_known_contacts_mail_files_it_as_their_reply(
    app, staff_client, case, customer, tse
):
    # A colleague's mail client dropped the threading headers and the case number.
    pipe(app, messages.base64_plain(customer.email, "Re: the network thing", "Logs coming."))
    [row] = received()
    assert row.status == "answered"
    row.status = "review"  # as if answers were off; staff pick it up from the list
    db.session.commit()

    response = staff_client.post(f"/staff/mail/{row.id}/attach", data={"case": case.number})

    assert response.status_code == 302
    db.session.expire_all()
    reply = db.session.query(CaseMessage).filter_by(case_id=case.id).one()
    assert reply.author_id == customer.id and reply.body == "Logs coming."
    row = db.session.get(IncomingMail, row.id)
    assert row.status == "filed" and row.handled_by_id == tse.id


def test_attaching_a_strangers_mail_makes_an_internal_note(app, staff_client, case, tse):
    pipe(app, messages.base64_plain("casey@home.example", "From my home address", "It is down"))
    [row] = received()

    response = staff_client.post(
        f"/staff/mail/{row.id}/attach", data={"case": case.number}, headers=HTMX
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "as an internal note" in html
    [note] = db.session.query(CaseMessage).filter_by(case_id=case.id).all()
    assert not note.public and "casey@home.example" in note.body and "It is down" in note.body


def test_a_wrong_case_number_is_shown_beside_the_field(app, staff_client):
    pipe(app, messages.base64_plain("x@elsewhere.example", "Hi", "x"))
    [row] = received()

    page = staff_client.post(f"/staff/mail/{row.id}/attach", data={"case": "99999999"})
    fragment = staff_client.post(
        f"/staff/mail/{row.id}/attach", data={"case": "nope"}, headers=HTMX
    )

    assert page.status_code == 422 and "Give the number of an existing case" in page.get_data(
        as_text=True
    )
    assert 'value="99999999"' in page.get_data(as_text=True)
    assert fragment.status_code == 422 and 'aria-invalid="true"' in fragment.get_data(as_text=True)
    assert db.session.get(IncomingMail, row.id).status == "review"


def test_discarding_takes_a_message_off_the_review_list(app, staff_client, case, customer, tse):
    conversation.post_message(case, tse, "Try this.", now=FILED + timedelta(hours=1))
    db.session.commit()
    pipe(
        app,
        messages.base64_plain(
            customer.email,
            "Auto: away",
            "Away",
            last_case_mail(case).message_id,
            Auto_Submitted="auto-replied",
        ),
    )
    [row] = received()

    staff_client.post(f"/staff/mail/{row.id}/discard")

    assert db.session.get(IncomingMail, row.id).status == "discarded"
    assert "Nothing to review" in staff_client.get("/staff/mail/").get_data(as_text=True)
    again = staff_client.post(f"/staff/mail/{row.id}/discard")
    assert again.status_code == 409


def test_the_raw_message_downloads_as_eml(app, staff_client):
    raw = messages.base64_plain("x@elsewhere.example", "Hi", "x")
    pipe(app, raw)
    [row] = received()

    response = staff_client.get(f"/staff/mail/{row.id}/raw")

    assert response.status_code == 200 and response.data == raw
    assert response.headers["Content-Type"] == "message/rfc822"
    assert "attachment" in response.headers["Content-Disposition"]
