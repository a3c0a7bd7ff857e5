"""Presence: an engineer sees who else has the case open, and who is writing a reply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.cases import presence
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import CasePresence, Role
from portal.models.types import utcnow
from tests.conftest import make_user
from tests.staff.conftest import make_gold_p3_case


@pytest.fixture
def tomas(app):
    return make_user("tse@example.com", Role.TSE, name="Tomas Tse")


@pytest.fixture
def priya(app):
    return make_user("priya@example.com", Role.TSE, name="Priya Patel")


@pytest.fixture
def console_case(gold_contact, contoso):
    return make_gold_p3_case(gold_contact, contoso, subject="VM console blank")


def test_each_engineer_sees_the_others_but_not_themselves(console_case, tomas, priya):
    now = utcnow()
    presence.record_presence(console_case, tomas, "viewing", now=now)
    presence.record_presence(console_case, priya, "replying", now=now)
    db.session.commit()
    seen_by_tomas = presence.others_on_case(console_case, tomas, now=now)
    assert [(p.name, p.is_replying) for p in seen_by_tomas] == [("Priya Patel", True)]
    assert [p.name for p in presence.others_on_case(console_case, priya, now=now)] == ["Tomas Tse"]


def test_a_poll_updates_the_one_row_and_an_engineer_who_stopped_polling_is_gone(
    console_case, tomas, priya
):
    start = utcnow()
    presence.record_presence(console_case, priya, "replying", now=start)
    presence.record_presence(console_case, priya, "viewing", now=start + timedelta(seconds=10))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(CasePresence)) == 1
    still = presence.others_on_case(console_case, tomas, now=start + timedelta(seconds=20))
    assert [(p.name, p.activity) for p in still] == [("Priya Patel", "viewing")]
    later = start + timedelta(seconds=10) + presence.GONE_AFTER + timedelta(seconds=1)
    assert presence.others_on_case(console_case, tomas, now=later) == []


def test_old_rows_are_forgotten_when_someone_reports(console_case, tomas, priya):
    long_ago = utcnow() - presence.FORGET_AFTER - timedelta(minutes=1)
    presence.record_presence(console_case, priya, "viewing", now=long_ago)
    presence.record_presence(console_case, tomas, "viewing")
    db.session.commit()
    assert list(db.session.scalars(select(CasePresence.user_id))) == [tomas.id]


def test_customers_and_odd_activities_are_refused(console_case, tomas, gold_contact):
    with pytest.raises(DomainError) as customer:
        presence.record_presence(console_case, gold_contact, "viewing")
    assert customer.value.status == 403
    with pytest.raises(DomainError) as odd:
        presence.record_presence(console_case, tomas, "lurking")
    assert "viewing or replying" in odd.value.errors["activity"]


def test_the_poll_answers_with_who_else_is_replying(client, auth, console_case, tomas, priya):
    auth.login("priya@example.com")
    assert (
        client.post(
            f"/staff/cases/{console_case.number}/presence", data={"activity": "replying"}
        ).status_code
        == 200
    )
    auth.logout()
    auth.login("tse@example.com")
    answer = client.post(
        f"/staff/cases/{console_case.number}/presence",
        data={"activity": "viewing"},
        headers={"HX-Request": "true"},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in html
    assert "Priya Patel</strong> is writing a reply to this case" in html
    page = client.get(f"/cases/{console_case.number}").get_data(as_text=True)
    assert "Priya Patel</strong> is writing a reply" in page  # on the page from the start
    assert 'data-hx-trigger="load, every 10s' in page
    bad = client.post(f"/staff/cases/{console_case.number}/presence", data={"activity": "x"})
    assert bad.status_code == 422


def test_customers_cannot_poll_presence(client, auth, console_case):
    auth.login("admin@gold.example.com")
    assert client.post(f"/staff/cases/{console_case.number}/presence").status_code == 403
