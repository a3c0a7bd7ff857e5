"""Canned replies: kept by support managers per team, filled in for the case on insert."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.cases import canned
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import CannedReply, CaseMessage, Role
from portal.staff.profiles import update_profile
from tests.conftest import make_user
from tests.staff.conftest import make_gold_p3_case

GREETING = "Hello {customer_name},\n\nthank you for case {case_number}. Please send the logs."


@pytest.fixture
def manager(app):
    return make_user("manager@example.com", Role.MANAGER, name="Maya Manager")


@pytest.fixture
def storage_tse(app):
    """A TSE in the storage team."""
    user = make_user("tse@example.com", Role.TSE, name="Tomas Tse")
    update_profile(user, "Storage", "iSCSI")
    db.session.commit()
    return user


@pytest.fixture
def storage_greeting(manager):
    reply = canned.create_reply(
        {"team": "Storage", "title": "Ask for logs", "body": GREETING}, manager
    )
    db.session.commit()
    return reply


def test_placeholders_are_filled_with_the_customers_name_and_case_number(
    gold_contact, contoso, storage_tse, storage_greeting
):
    case = make_gold_p3_case(gold_contact, contoso)
    text = canned.fill_placeholders(storage_greeting.body, case, storage_tse)
    assert text.startswith("Hello Casey Contact,")
    assert f"thank you for case {case.number}." in text
    assert "{" not in text


def test_an_unknown_placeholder_is_refused_naming_the_known_ones(manager):
    with pytest.raises(DomainError) as refused:
        canned.create_reply({"title": "Typo", "body": "Dear {customer},"}, manager)
    message = refused.value.errors["body"]
    assert "{customer}" in message and "{customer_name}" in message and "{case_number}" in message
    assert db.session.scalar(select(CannedReply)) is None


def test_only_managers_add_change_or_delete_canned_replies(storage_tse, storage_greeting):
    with pytest.raises(DomainError) as refused:
        canned.create_reply({"title": "Mine", "body": "Hi"}, storage_tse)
    assert refused.value.status == 403
    with pytest.raises(DomainError):
        canned.update_reply(storage_greeting, {"title": "Changed", "body": "Hi"}, storage_tse)
    with pytest.raises(DomainError):
        canned.delete_reply(storage_greeting, storage_tse)
    db.session.expire_all()
    assert [r.title for r in canned.all_replies()] == ["Ask for logs"]


def test_a_team_sees_its_own_and_every_teams_replies_not_other_teams(manager, storage_tse):
    canned.create_reply({"team": "Storage", "title": "Storage logs", "body": "x"}, manager)
    canned.create_reply({"team": "Networking", "title": "Packet capture", "body": "y"}, manager)
    canned.create_reply({"team": "", "title": "Closing", "body": "z"}, manager)
    db.session.commit()
    assert [r.title for r in canned.replies_for(storage_tse)] == ["Closing", "Storage logs"]
    networking = next(r for r in canned.all_replies() if r.team == "Networking")
    assert canned.find_reply_for(storage_tse, networking.id) is None


def test_one_team_cannot_have_two_replies_of_the_same_title(manager, storage_greeting):
    with pytest.raises(DomainError) as refused:
        canned.create_reply({"team": "Storage", "title": "Ask for logs", "body": "again"}, manager)
    assert "already has a reply titled" in refused.value.errors["title"]
    other_team = canned.create_reply(
        {"team": "Networking", "title": "Ask for logs", "body": "ok"}, manager
    )
    assert other_team.id


def test_managers_add_edit_and_delete_through_the_pages(client, auth, manager):
    auth.login("manager@example.com")
    assert "No canned replies yet" in client.get("/staff/canned-replies/").get_data(as_text=True)
    refused = client.post(
        "/staff/canned-replies/new", data={"team": "", "title": "", "body": "Hi {nme}"}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Give the reply a title" in html and "Unknown placeholder {nme}" in html
    assert "Hi {nme}" in html  # what was typed is kept
    created = client.post(
        "/staff/canned-replies/new",
        data={"team": "Storage", "title": "Ask for logs", "body": GREETING},
    )
    assert created.status_code == 302
    reply = db.session.scalar(select(CannedReply))
    listing = client.get("/staff/canned-replies/").get_data(as_text=True)
    assert "Ask for logs" in listing and "Storage" in listing
    edited = client.post(
        f"/staff/canned-replies/{reply.id}/edit",
        data={"team": "", "title": "Ask for the logs", "body": GREETING},
    )
    assert edited.status_code == 302
    db.session.expire_all()
    assert (reply.title, reply.team) == ("Ask for the logs", "")
    confirm = client.get(f"/staff/canned-replies/{reply.id}/delete").get_data(as_text=True)
    assert "Delete “Ask for the logs”?" in confirm
    assert client.post(f"/staff/canned-replies/{reply.id}/delete").status_code == 302
    assert db.session.scalar(select(CannedReply)) is None


def test_engineers_cannot_open_the_managers_pages(client, auth, storage_tse, storage_greeting):
    auth.login("tse@example.com")
    assert client.get("/staff/canned-replies/").status_code == 403
    assert (
        client.post("/staff/canned-replies/new", data={"title": "Mine", "body": "Hi"}).status_code
        == 403
    )
    assert client.post(f"/staff/canned-replies/{storage_greeting.id}/delete").status_code == 403
    assert db.session.scalar(select(CannedReply.title)) == "Ask for logs"


def test_insert_adds_the_filled_reply_after_what_was_typed_and_sends_nothing(
    client, auth, gold_contact, contoso, storage_tse, storage_greeting
):
    case = make_gold_p3_case(gold_contact, contoso)
    auth.login("tse@example.com")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Ask for logs (Storage)" in page
    form = {"body": "Thanks for the call.", "canned": str(storage_greeting.id), "intent": "insert"}
    plain = client.post(f"/staff/cases/{case.number}/reply", data=form)
    html = plain.get_data(as_text=True)
    assert plain.status_code == 200 and "<html" in html
    assert (
        f"Thanks for the call.\n\nHello Casey Contact,\n\nthank you for case {case.number}." in html
    )
    swapped = client.post(
        f"/staff/cases/{case.number}/reply", data=form, headers={"HX-Request": "true"}
    )
    fragment = swapped.get_data(as_text=True)
    assert "<html" not in fragment and 'id="tool-reply"' in fragment
    assert "Hello Casey Contact," in fragment
    assert db.session.scalar(select(CaseMessage)) is None


def test_insert_of_another_teams_reply_is_refused_beside_the_list(
    client, auth, gold_contact, contoso, manager, storage_tse
):
    networking = canned.create_reply(
        {"team": "Networking", "title": "Packet capture", "body": "Run tcpdump"}, manager
    )
    db.session.commit()
    case = make_gold_p3_case(gold_contact, contoso)
    auth.login("tse@example.com")
    refused = client.post(
        f"/staff/cases/{case.number}/reply",
        data={"body": "Typed so far", "canned": str(networking.id), "intent": "insert"},
        headers={"HX-Request": "true"},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Choose a canned reply from the list" in html and "Typed so far" in html
    assert "Run tcpdump" not in html


def test_the_demo_replies_are_seeded_once_and_fill_every_placeholder(
    gold_contact, contoso, storage_tse
):
    assert canned.seed_demo_canned_replies() == "canned replies: 3 added"
    assert canned.seed_demo_canned_replies() == "canned replies: 0 added"
    case = make_gold_p3_case(gold_contact, contoso)
    for reply in canned.all_replies():
        text = canned.fill_placeholders(reply.body, case, storage_tse)
        assert "{" not in text and "Casey Contact" in text
