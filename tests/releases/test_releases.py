import pytest

from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Release, Role
from portal.releases import service
from tests.conftest import PASSWORD, make_user


def _release(**overrides):
    data = {
        "product": "XenServer",
        "version": "4.1.2",
        "kind": "minor",
        "notes": "Fixes **storage** problems.",
        "fixes": "CA-1, CA-2\nCA-3",
        "production": False,
    }
    return data | overrides


def test_saving_a_release_parses_the_bug_list(app):
    release = service.save_release(None, _release(), None)
    assert release.fixes == ["CA-1", "CA-2", "CA-3"]


def test_production_signal_fires_once_when_a_release_first_goes_to_production(app):
    seen = []

    def listener(release):
        seen.append(release.version)

    service.production_release_published.connect(listener)
    try:
        release = service.save_release(None, _release(), None)
        assert seen == []
        service.save_release(release, _release(production=True), None)
        service.save_release(release, _release(production=True, notes="Edited"), None)
    finally:
        service.production_release_published.disconnect(listener)
    assert seen == ["4.1.2"]
    assert release.production_at is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"version": ""}, "version"),
        ({"kind": "mega"}, "kind"),
        ({"product": "Toaster"}, "product"),
        ({"fixes": "CA-1 <script>"}, "fixes"),
        ({"released_on": "someday"}, "released_on"),
    ],
)
def test_bad_release_values_are_refused_with_the_field(app, overrides, field):
    with pytest.raises(DomainError) as caught:
        service.save_release(None, _release(**overrides), None)
    assert caught.value.field == field


def test_release_notes_page_renders_sanitised_markdown(client, app):
    service.save_release(None, _release(notes="**bold** <script>alert(1)</script>"), None)
    db.session.commit()
    html = client.get("/releases/XenServer/4.1.2").get_data(as_text=True)
    assert "<strong>bold</strong>" in html and "alert(1)" not in html
    assert "CA-2" in html


def test_release_list_filters_by_product(client, app):
    service.seed_demo_releases()
    db.session.commit()
    html = client.get("/releases/?product=XenCenter").get_data(as_text=True)
    assert "XenCenter 4.1.0" in html and "XenServer 4.0.1" not in html


def test_only_release_managers_can_edit(client, auth):
    make_user("eval@example.com")
    auth.login("eval@example.com")
    assert client.get("/releases/new").status_code == 403


def test_manager_records_a_release_in_the_browser_form(client, auth):
    make_user("manager@example.com", Role.MANAGER)
    auth.login("manager@example.com")
    form = _release(production="on")
    response = client.post("/releases/new", data=form)
    assert response.status_code == 302
    assert db.session.query(Release).one().production is True


def test_duplicate_version_is_refused_and_form_kept(client, auth):
    make_user("manager@example.com", Role.MANAGER)
    auth.login("manager@example.com")
    client.post("/releases/new", data=_release())
    response = client.post("/releases/new", data=_release(notes="Second try"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "already recorded" in html and "Second try" in html


def _token(client, email):
    return client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}).get_json()[
        "token"
    ]


def test_api_lists_and_creates_releases(client):
    make_user("pm@example.com", Role.PRODUCT_MANAGER)
    token = _token(client, "pm@example.com")
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/v1/releases",
        headers=headers,
        json={
            "version": "4.1.3",
            "kind": "hotfix",
            "notes": "Hotfix",
            "fixes": ["CA-9"],
            "production": True,
        },
    )
    assert response.status_code == 201
    assert response.get_json()["fixes"] == ["CA-9"]
    listing = client.get("/api/v1/releases").get_json()
    assert listing["total"] == 1 and listing["results"][0]["version"] == "4.1.3"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"version": "1", "kind": "minor", "fixes": "CA-1"}, 422),
        ({"version": "1", "kind": "minor", "production": "yes"}, 422),
        ({"kind": "minor"}, 422),
    ],
)
def test_api_refuses_bad_release_bodies(client, body, status):
    make_user("pm@example.com", Role.PRODUCT_MANAGER)
    headers = {"Authorization": f"Bearer {_token(client, 'pm@example.com')}"}
    response = client.post("/api/v1/releases", headers=headers, json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]
    assert db.session.query(Release).count() == 0


def test_api_release_creation_is_refused_to_customers(client):
    make_user("eval@example.com")
    headers = {"Authorization": f"Bearer {_token(client, 'eval@example.com')}"}
    response = client.post(
        "/api/v1/releases", headers=headers, json={"version": "9", "kind": "major"}
    )
    assert response.status_code == 403


def test_release_notes_list_each_fixed_bug_with_its_title(client, auth) -> None:
    from portal.models import Role
    from tests.conftest import make_user

    make_user("pm@example.com", Role.PRODUCT_MANAGER)
    auth.login("pm@example.com")
    form = {
        "product": "XenServer",
        "version": "5.0.1",
        "kind": "minor",
        "released_on": "2026-11-20",
        "fixes": "CA-7: Guests lose network after XenMotion\nCA-8, CA-9",
        "notes": "Fixes.",
    }
    assert client.post("/releases/new", data=form).status_code == 302
    html = client.get("/releases/XenServer/5.0.1").get_data(as_text=True)
    assert "<code>CA-7</code> Guests lose network after XenMotion" in html
    assert "<code>CA-9</code> (no title recorded)" in html
    listing = client.get("/releases/").get_data(as_text=True)
    assert "Guests lose network after XenMotion" in listing
    from portal.releases import service

    release = service.find_release("XenServer", "5.0.1")
    editor = client.get(f"/releases/{release.id}/edit").get_data(as_text=True)
    assert "CA-7: Guests lose network after XenMotion\nCA-8\nCA-9" in editor
