from datetime import UTC, datetime

import pytest

from portal.cli.demo import seed_all
from portal.extensions import db
from tests.conftest import make_contact, make_organisation, make_user


def test_home_page_leads_with_a_kb_search_box(client):
    html = client.get("/").get_data(as_text=True)
    assert 'type="search" name="q"' in html
    assert html.index('name="q"') < html.index("Ask the community")


def test_every_page_has_a_skip_link_and_main_landmark(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="#main"' in html and '<main id="main"' in html


QUEUE_LINK = '<a href="/staff/">Queue</a>'


def test_navigation_depends_on_role(client, auth):
    assert QUEUE_LINK not in client.get("/").get_data(as_text=True)
    make_user("eval@example.com")
    auth.login("eval@example.com")
    assert QUEUE_LINK not in client.get("/").get_data(as_text=True)
    auth.logout()
    make_user("tse@example.com", role="tse")
    auth.login("tse@example.com")
    assert QUEUE_LINK in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("status", [404])
def test_unknown_page_gets_the_portals_404(client, status):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We could not find that page" in html and 'href="#main"' in html


def test_method_not_allowed_is_a_friendly_page(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "not allowed" in response.get_data(as_text=True)


def test_unexpected_error_is_a_friendly_500(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html and "kaboom" not in html


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_support_offerings_show_targets_from_the_table_and_hours_in_viewer_zone(
    client, monkeypatch
):
    # The page works the hours out for today; pin today to late November, when London and
    # Los Angeles are both on standard time (in March and October/November they are not).
    monkeypatch.setattr(
        "portal.pages.views.utcnow", lambda: datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    )
    html = client.get("/support/?tz=Europe/London").get_data(as_text=True)
    assert "2 business hours" in html and "6 business hours" in html and "1 business day" in html
    assert "13:00 to 02:00 (next day) GMT" in html  # Gold 05:00-18:00 Pacific
    assert "09:00 to 01:00 (next day) GMT" in html  # Base 01:00-17:00 Pacific


def test_support_offerings_ignore_an_unknown_zone(client):
    response = client.get("/support/?tz=<script>")
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True)


def test_gold_phone_line_shown_only_to_gold_contacts(client, auth, app):
    phone = app.config["GOLD_SUPPORT_PHONE"]
    assert phone not in client.get("/support/").get_data(as_text=True)
    gold = make_organisation("Gold Co", tier="gold")
    make_contact(gold, email="gold@example.com")
    auth.login("gold@example.com")
    assert phone in client.get("/support/").get_data(as_text=True)


def test_partner_directory_filters_by_region(client):
    seed_all()
    db.session.commit()
    html = client.get("/partners/?region=Europe").get_data(as_text=True)
    assert "Norrland Virtual AB" in html and "Harbourline Systems" not in html


def test_partner_directory_fragment_for_htmx(client):
    seed_all()
    db.session.commit()
    fragment = client.get("/partners/?region=Asia+Pacific", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and "Kestrel Infotech" in html


def test_policies_page_states_each_support_policy(client):
    response = client.get("/policies/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in (
        '<h2 id="third-party">Hardware and software from other vendors</h2>',
        '<h2 id="updates">Updates and upgrades</h2>',
        '<h2 id="cli">Command-line scripting</h2>',
        '<h2 id="evaluation">Evaluation users</h2>',
        '<h2 id="feature-requests">Feature requests</h2>',
    ):
        assert heading in html
    # What the third-party policy commits to: isolate the cause, and send the customer on.
    assert "we may ask you to remove a third-party component" in html
    assert "open a case with that vendor's support team" in html


def test_contact_page_says_how_to_reach_support(client, app):
    response = client.get("/contact/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h2>On the web</h2>" in html and "<q>please escalate</q>" in html
    assert "Gold customers have a direct support phone line" in html
    assert app.config["GOLD_SUPPORT_PHONE"] not in html  # shown only to Gold contacts
    assert f'href="mailto:{app.config["SALES_EMAIL"]}"' in html


def test_the_days_of_support_come_from_the_calendar():
    from portal.offerings.service import describe_days

    assert describe_days(frozenset(range(5))) == "Monday to Friday"
    assert describe_days(frozenset(range(7))) == "Every day"
    assert describe_days(frozenset({0, 2, 4})) == "Monday, Wednesday, Friday"
    assert describe_days(frozenset({5, 6})) == "Saturday, Sunday"
