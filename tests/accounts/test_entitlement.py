from datetime import date

from flask_login import AnonymousUserMixin

from portal.accounts import entitlement
from portal.models import ContactKind, Role
from tests.conftest import make_contact, make_organisation, make_user

DURING = date(2026, 6, 1)
AFTER = date(2027, 2, 1)


def test_support_admin_of_active_agreement_may_file_cases(app):
    org = make_organisation(ends_on=date(2026, 12, 31))
    contact = make_contact(org)
    assert entitlement.can_file_case(contact, DURING)
    assert not entitlement.can_file_case(contact, AFTER)


def test_license_admin_alone_may_not_file_cases_but_sees_licenses(app):
    org = make_organisation()
    contact = make_contact(org, kinds=(ContactKind.LICENSE_ADMIN,))
    assert not entitlement.can_file_case(contact, DURING)
    assert entitlement.can_see_licenses(contact, org)


def test_expired_agreement_prompts_license_admin_to_renew(app):
    org = make_organisation(ends_on=date(2026, 3, 31))
    contact = make_contact(org, kinds=(ContactKind.LICENSE_ADMIN,))
    assert entitlement.renewal_due(contact, DURING) == [org]


def test_evaluation_users_and_visitors_may_not_file_cases(app):
    assert not entitlement.can_file_case(make_user(), DURING)
    assert not entitlement.can_file_case(AnonymousUserMixin(), DURING)


def test_contact_never_sees_another_organisations_cases(app):
    ours = make_organisation("Ours Ltd")
    theirs = make_organisation("Theirs Ltd")
    contact = make_contact(ours)
    assert entitlement.can_see_organisation_cases(contact, ours)
    assert not entitlement.can_see_organisation_cases(contact, theirs)


def test_staff_roles_have_their_own_powers(app):
    tse = make_user("tse@example.com", Role.TSE)
    manager = make_user("manager@example.com", Role.MANAGER)
    writer = make_user("writer@example.com", Role.KB_ENGINEER)
    pm = make_user("pm@example.com", Role.PRODUCT_MANAGER)
    assert entitlement.can_work_cases(tse) and not entitlement.can_manage_escalations(tse)
    assert entitlement.can_manage_escalations(manager)
    assert entitlement.can_publish_articles(writer) and not entitlement.can_work_cases(writer)
    assert entitlement.can_set_idea_status(pm) and not entitlement.can_publish_articles(pm)
    assert all(entitlement.can_moderate(u) for u in (tse, manager, writer, pm))
    assert not entitlement.can_moderate(make_user("eval@example.com"))


def test_gold_wins_when_agreements_overlap(app):
    from portal.accounts import service as accounts

    org = make_organisation(tier="base")
    accounts.add_agreement(org, "gold", date(2026, 5, 1), date(2026, 7, 1))
    assert entitlement.active_agreement(org, DURING).tier == "gold"
    assert entitlement.active_agreement(org, date(2026, 8, 1)).tier == "base"
