"""/admin/products for administrators, and the case form's versions following the product."""

import pytest

from portal.extensions import db
from portal.models import Case, Role
from portal.products import service
from tests.conftest import make_user


@pytest.fixture
def admin(client, auth):
    user = make_user("root@example.com", Role.ADMIN, name="Ada Admin")
    auth.login("root@example.com")
    return user


def test_only_administrators_reach_the_product_pages(client, auth, gold_contact):
    assert client.get("/admin/products/").status_code in (302, 401)
    auth.login("admin@gold.example.com")
    assert client.get("/admin/products/").status_code == 403
    assert client.post("/admin/products/", data={"name": "Mine"}).status_code == 403
    assert "Mine" not in service.product_names()


def test_the_list_shows_each_product_with_its_versions(client, admin):
    page = client.get("/admin/products/").get_data(as_text=True)
    assert "XenServer Tools" in page and "5.0.0, 4.1.0, 4.0.1, 4.0.0" not in page
    assert "4.0.0, 4.0.1, 4.1.0, 5.0.0" in page


def test_an_administrator_adds_a_product_and_a_released_version(client, admin):
    added = client.post("/admin/products/", data={"name": "Acme Storage"})
    assert added.status_code == 302 and added.location.endswith("/admin/products/acme-storage")
    saved = client.post(
        "/admin/products/acme-storage",
        data={
            "action": "version",
            "version": "2.1",
            "released_on": "2008-05-01",
            "is_released": "y",
        },
    )
    assert saved.status_code == 302
    assert service.released_versions("Acme Storage") == ["2.1"]


def test_a_bad_version_is_a_400_beside_the_field_and_keeps_what_was_typed(client, admin):
    response = client.post(
        "/admin/products/xenserver",
        data={"action": "version", "version": "5.1 beta!", "released_on": "2009-01-01"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give a version such as 5.0.1" in page and 'value="5.1 beta!"' in page
    response = client.post(
        "/admin/products/xenserver",
        data={
            "action": "version",
            "version": "5.1",
            "released_on": "31/12/2008",
            "is_released": "y",
        },
    )
    assert response.status_code == 400
    assert "The release date must look like 2026-11-25" in response.get_data(as_text=True)


def test_an_administrator_edits_a_version_and_retires_a_product(client, admin):
    product = service.find_product("XenCenter")
    version = next(v for v in product.versions if v.version == "4.0.0")
    form = client.get(f"/admin/products/xencenter/versions/{version.id}").get_data(as_text=True)
    assert 'value="4.0.0"' in form and 'value="2007-08-20"' in form
    client.post(
        f"/admin/products/xencenter/versions/{version.id}",
        data={"action": "version", "version": "4.0.0", "released_on": "2007-08-20"},
    )
    assert "4.0.0" not in service.released_versions("XenCenter")
    client.post("/admin/products/xencenter", data={"action": "retire"})
    assert "XenCenter" not in service.product_names()
    assert "Offer XenCenter again" in client.get("/admin/products/xencenter").get_data(as_text=True)


def test_unknown_products_versions_and_actions_are_4xx(client, admin):
    assert client.get("/admin/products/toaster").status_code == 404
    assert client.get("/admin/products/xenserver/versions/999999").status_code == 404
    assert client.get("/admin/products/xenserver/versions/99999999999999999999").status_code == 404
    assert client.post("/admin/products/xenserver", data={"action": "explode"}).status_code == 400
    assert client.post("/admin/products/", data={"name": ""}).status_code == 400


# --- the case form ---------------------------------------------------------------------


def test_the_version_options_follow_the_product_with_htmx(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    fragment = client.get("/cases/versions?product=XenServer+Tools", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    text = fragment.get_data(as_text=True)
    assert "<html" not in text
    assert '<option value="5.0.0">5.0.0</option>' in text and "4.0.1" not in text
    page = client.get("/cases/versions?product=XenServer+Tools").get_data(as_text=True)
    assert "<html" in page and 'name="subject"' in page


def test_before_a_product_is_chosen_every_products_versions_are_grouped(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    page = client.get("/cases/new").get_data(as_text=True)
    assert '<optgroup label="XenServer Tools">' in page
    assert 'hx-get="/cases/versions"' in page


def _filing(**overrides):
    return {
        "subject": "Pool join fails",
        "description": "Joining a host to the pool fails with HOST_IS_SLAVE.",
        "severity": "P3",
        "product": "XenServer",
        "version": "5.0.0",
    } | overrides


def test_filing_without_javascript_checks_the_version_against_the_product(
    client, auth, gold_contact
):
    auth.login("admin@gold.example.com")
    refused = client.post("/cases/new", data=_filing(product="XenServer Tools", version="4.0.1"))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Choose a released version of XenServer Tools: 5.0.0, 4.1.0." in page
    assert "Pool join fails" in page  # nothing typed is lost
    assert db.session.query(Case).count() == 0
    filed = client.post("/cases/new", data=_filing(version="5.0"))
    assert filed.status_code == 302
    assert db.session.query(Case).one().version == "5.0.0"


def test_the_api_refuses_a_version_the_product_never_released(client, gold_contact):
    token = client.post(
        "/api/v1/tokens",
        json={"email": "admin@gold.example.com", "password": "correct-horse-battery"},
    ).get_json()["token"]
    response = client.post(
        "/api/v1/cases",
        json=_filing(version="9.9"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert (
        "Choose a released version of XenServer: 5.0.0" in response.get_json()["error"]["message"]
    )


def test_a_retired_product_cannot_be_filed_for(client, auth, gold_contact):
    service.retire_product(service.find_product("XenServer Tools"))
    db.session.commit()
    auth.login("admin@gold.example.com")
    response = client.post("/cases/new", data=_filing(product="XenServer Tools", version=""))
    assert response.status_code == 422
    assert "Choose one of our products: XenServer, XenCenter." in response.get_data(as_text=True)
