from datetime import date

import pytest

from portal.accounts import service as accounts
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import ContactKind, Role, User
from tests.conftest import make_organisation, make_user


def test_email_is_unique_whatever_its_case(app):
    make_user("Pat@Example.com")
    with pytest.raises(DomainError, match="already exists"):
        accounts.create_user("pat@EXAMPLE.com", "Pat Again", "a-long-passphrase")
    assert db.session.query(User).count() == 1


def test_email_is_stored_lower_case_and_found_in_any_case(app):
    make_user("Pat@Example.com")
    assert accounts.find_user_by_email("PAT@example.COM").email == "pat@example.com"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 10"),
        ("password123", "too easy"),
        ("aaaaaaaaaaaa", "too easy"),
        ("robin-hood-1987", "name or email"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(app, password, reason):
    with pytest.raises(DomainError, match=reason):
        accounts.create_user("robin@example.com", "Robin Hood", password)


def test_password_is_stored_hashed(app):
    user = make_user("hash@example.com", password="a-long-passphrase")
    assert "a-long-passphrase" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_unknown_time_zone_is_refused(app):
    with pytest.raises(DomainError, match="time zone"):
        accounts.create_user("tz@example.com", "Tee Zed", "a-long-passphrase", timezone="Mars/Base")


def test_one_person_may_hold_both_contact_roles_once_each(app):
    org = make_organisation()
    user = make_user("both@example.com", role=Role.CUSTOMER)
    accounts.grant_contact_role(user, org, ContactKind.SUPPORT_ADMIN)
    accounts.grant_contact_role(user, org, ContactKind.LICENSE_ADMIN)
    accounts.grant_contact_role(user, org, ContactKind.LICENSE_ADMIN)
    db.session.commit()
    assert sorted(c.kind for c in user.contact_roles) == ["license-admin", "support-admin"]


def test_agreement_must_end_after_it_starts(app):
    org = accounts.create_organisation("Backwards Ltd")
    with pytest.raises(DomainError, match="end after"):
        accounts.add_agreement(org, "gold", date(2026, 5, 1), date(2026, 4, 1))


def test_unknown_tier_is_refused(app):
    org = accounts.create_organisation("Platinum Ltd")
    with pytest.raises(DomainError, match="Base or Gold"):
        accounts.add_agreement(org, "platinum", date(2026, 1, 1), date(2026, 12, 31))


def test_organisation_names_are_unique_ignoring_case(app):
    accounts.create_organisation("Contoso Cloud")
    with pytest.raises(DomainError, match="already exists"):
        accounts.create_organisation("contoso cloud")
