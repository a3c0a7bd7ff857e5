"""The product catalogue's rules: released versions, version spelling, retiring, superseded."""

from datetime import date

import pytest

from portal.domain_error import DomainError
from portal.extensions import db
from portal.products import service


def test_the_standard_catalogue_is_there_from_the_start(app):
    assert service.product_names() == ["XenServer", "XenCenter", "XenServer Tools"]
    assert service.released_versions("XenServer") == ["5.0.0", "4.1.0", "4.0.1", "4.0.0"]


def test_seeding_twice_adds_nothing(app):
    assert service.seed_standard_products() == "products: 0 versions added"


def test_versions_compare_without_trailing_zeros_and_keep_the_recorded_spelling(app):
    assert service.check_version("XenServer", "5.0") == "5.0.0"
    assert service.check_version("XenServer", " 4.1.0 ") == "4.1.0"
    assert service.check_version("XenServer", "") == ""


def test_a_version_that_is_not_released_for_the_product_is_refused_with_the_choices(app):
    with pytest.raises(DomainError) as refused:
        service.check_version("XenServer Tools", "4.0.1")
    assert refused.value.errors == {
        "version": "Choose a released version of XenServer Tools: 5.0.0, 4.1.0."
    }


def test_an_unreleased_or_unsupported_version_is_not_offered(app):
    product = service.find_product("XenServer")
    service.save_version(product, None, {"version": "5.1.0", "is_released": False})
    service.save_version(
        product,
        None,
        {
            "version": "3.2",
            "is_released": True,
            "released_on": "2006-12-01",
            "end_of_support_on": "2008-01-31",
        },
    )
    offered = service.released_versions("XenServer", today=date(2026, 12, 2))
    assert "5.1.0" not in offered and "3.2" not in offered
    assert "3.2" in service.released_versions("XenServer", today=date(2007, 6, 1))


def test_a_new_product_gets_an_address_and_no_duplicate_name(app):
    product = service.create_product("  Acme   Storage ")
    assert (product.name, product.slug) == ("Acme Storage", "acme-storage")
    with pytest.raises(DomainError) as clash:
        service.create_product("acme storage")
    assert clash.value.status == 409
    with pytest.raises(DomainError):
        service.create_product("   ")
    with pytest.raises(DomainError):
        service.create_product("<script>")


def test_a_released_version_needs_its_date_and_support_cannot_end_before_it(app):
    product = service.find_product("XenCenter")
    with pytest.raises(DomainError) as no_date:
        service.save_version(product, None, {"version": "5.1", "is_released": True})
    assert no_date.value.errors == {"released_on": "Give the date the version was released."}
    with pytest.raises(DomainError) as backwards:
        service.save_version(
            product,
            None,
            {
                "version": "5.1",
                "is_released": True,
                "released_on": "2009-01-10",
                "end_of_support_on": "2008-01-10",
            },
        )
    assert "end_of_support_on" in backwards.value.errors
    with pytest.raises(DomainError) as same:
        service.save_version(product, None, {"version": "5.0", "released_on": "2009-01-01"})
    assert same.value.status == 409


def test_a_retired_product_is_not_offered_but_stays_known(app):
    product = service.find_product("XenServer Tools")
    service.retire_product(product)
    db.session.commit()
    assert "XenServer Tools" not in service.product_names()
    assert "XenServer Tools" in service.product_names(include_retired=True)
    assert "XenServer Tools" not in service.released_versions_by_product()
    service.restore_product(product)
    assert "XenServer Tools" in service.product_names()


def test_an_article_only_about_an_older_major_release_is_superseded(app):
    majors = service.newest_majors()
    assert majors["XenServer"] == 5
    assert service.is_superseded("XenServer", ["4.0", "4.1"], majors)
    assert not service.is_superseded("XenServer", ["4.1", "5.0"], majors)
    assert not service.is_superseded("XenServer", [], majors)
    assert not service.is_superseded("", ["4.1"], majors)
    assert not service.is_superseded("XenServer", ["beta"], majors)
