"""Idea rules without HTTP: the suggestion terms, one vote each, statuses and voter mail."""

from __future__ import annotations

from datetime import date

import pytest

from portal.accounts import service as accounts
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forums import suggestion_terms as terms
from portal.ideas import service, tiers
from portal.ideas.notify import send_status_mail
from portal.models import (
    ContactKind,
    Idea,
    IdeaVote,
    Job,
    OutgoingMail,
    Role,
    SuggestionTermsAcceptance,
)
from portal.models.types import utcnow
from tests.conftest import make_contact, make_organisation, make_user


def test_a_first_idea_without_the_terms_is_refused_and_nothing_saved(suggester) -> None:
    with pytest.raises(DomainError, match="terms") as caught:
        service.create_idea(suggester, "Dark theme", "Please", accept=False)
    assert caught.value.status == 422 and caught.value.field == "accept_terms"
    db.session.rollback()
    assert db.session.query(Idea).count() == 0
    assert not service.has_accepted_terms(suggester)


def test_accepting_the_terms_is_recorded_with_its_time_once(suggester) -> None:
    before = utcnow()
    service.create_idea(suggester, "Dark theme", "Please", accept=True)
    service.create_idea(suggester, "Second idea", "No terms box this time")
    acceptance = db.session.query(SuggestionTermsAcceptance).one()
    assert acceptance.accepted_at >= before.replace(microsecond=0)
    assert acceptance.terms_version == terms.TERMS_VERSION


def test_one_vote_per_person(idea, voter) -> None:
    assert service.cast_vote(idea, voter) == 1
    with pytest.raises(DomainError, match="already voted") as caught:
        service.cast_vote(idea, voter)
    assert caught.value.status == 409
    assert db.session.query(IdeaVote).count() == 1 and idea.vote_count == 1


def test_withdrawing_a_vote_lowers_the_count(idea, voter) -> None:
    service.cast_vote(idea, voter)
    assert service.withdraw_vote(idea, voter) == 0
    with pytest.raises(DomainError):
        service.withdraw_vote(idea, voter)


def test_anonymous_people_cannot_vote(idea) -> None:
    from flask_login import AnonymousUserMixin

    with pytest.raises(DomainError) as caught:
        service.cast_vote(idea, AnonymousUserMixin())
    assert caught.value.status == 401


def test_only_product_managers_set_the_status(idea, voter, product_manager) -> None:
    with pytest.raises(DomainError) as caught:
        service.set_status(idea, voter, "planned", "")
    assert caught.value.status == 403
    with pytest.raises(DomainError, match="one of"):
        service.set_status(idea, product_manager, "maybe", "")
    with pytest.raises(DomainError, match="release"):
        service.set_status(idea, product_manager, "shipped", "Done", "x" * 41)
    service.set_status(idea, product_manager, "shipped", "Done")
    assert idea.status == "shipped" and idea.shipped_in_release == ""
    service.set_status(idea, product_manager, "shipped", "In 4.1", "4.1.0")
    assert idea.status == "shipped" and idea.shipped_in_release == "4.1.0"
    service.set_status(idea, product_manager, "shipped", "Still in 4.1")
    assert idea.shipped_in_release == "4.1.0"


def test_voters_are_mailed_when_the_status_changes(idea, voter, product_manager) -> None:
    service.cast_vote(idea, voter)
    service.set_status(idea, product_manager, "planned", "Coming in the next major release")
    db.session.commit()
    job = db.session.query(Job).filter_by(kind=service.STATUS_MAIL_JOB).one()
    send_status_mail(job.payload, utcnow())
    mail = db.session.query(OutgoingMail).one()
    assert mail.recipient == "voter@example.com"
    assert "Planned" in mail.text_body and "next major release" in mail.text_body


def test_saving_the_same_status_again_mails_nobody(idea, voter, product_manager) -> None:
    service.cast_vote(idea, voter)
    service.set_status(idea, product_manager, "new", "Just a note")
    assert db.session.query(Job).filter_by(kind=service.STATUS_MAIL_JOB).count() == 0


def test_sorting_by_votes_newest_and_status(suggester, voter, product_manager) -> None:
    quiet = service.create_idea(suggester, "Quiet", "x", True)
    loud = service.create_idea(suggester, "Loud", "x")
    service.cast_vote(loud, voter)
    service.set_status(quiet, product_manager, "planned", "")
    db.session.commit()
    assert [i.title for i in service.list_ideas("votes").items] == ["Loud", "Quiet"]
    assert [i.title for i in service.list_ideas("newest").items][0] == "Loud"
    assert [i.title for i in service.list_ideas("status").items] == ["Quiet", "Loud"]
    assert [i.title for i in service.list_ideas("votes", "planned").items] == ["Quiet"]


def test_staff_see_votes_by_tier_in_a_bounded_number_of_statements(
    idea, voter, product_manager, statements_counter
) -> None:
    gold = make_contact(make_organisation("Contoso Cloud", tier="gold"), "g@example.com")
    base_org = make_organisation("Northwind Hosting", tier="base")
    base_one = make_contact(base_org, "b1@example.com")
    base_two = make_contact(base_org, "b2@example.com", (ContactKind.LICENSE_ADMIN,))
    expired_org = accounts.create_organisation("Fabrikam Labs")
    accounts.add_agreement(expired_org, "gold", date(2020, 1, 1), date(2020, 12, 31))
    expired = make_contact(expired_org, "x@example.com")
    tse = make_user("tse@example.com", Role.TSE)
    for person in (voter, gold, base_one, base_two, expired, tse):
        service.cast_vote(idea, person)
    db.session.commit()
    db.session.expire_all()
    with statements_counter() as counted:
        breakdown = tiers.votes_by_tier(idea, product_manager)
    assert breakdown == [
        ("Gold", 1),
        ("Base", 2),
        ("No active agreement", 1),
        ("Evaluation", 1),
        ("Staff", 1),
    ]
    # The viewer and the idea reload after expire_all; then voters, contacts, agreements.
    assert counted() <= 5
    assert tiers.votes_by_tier(idea, voter) == []


def test_editing_rewords_a_new_idea_and_records_when(idea, suggester, voter, product_manager):
    service.edit_idea(idea, suggester, "Scheduled VM snapshots", None)
    assert (idea.title, idea.body) == ("Scheduled VM snapshots", "Nightly, per VM.")
    assert idea.edited_at is not None
    with pytest.raises(DomainError) as stranger:
        service.edit_idea(idea, voter, "Mine", "Mine")
    assert stranger.value.status == 403
    service.set_status(idea, product_manager, "under_review")
    assert not service.can_edit(idea, suggester) and service.can_edit(idea, product_manager)
    with pytest.raises(DomainError) as late:
        service.edit_idea(idea, suggester, "Reworded", None)
    assert late.value.status == 409 and idea.title == "Scheduled VM snapshots"
    with pytest.raises(DomainError) as oversized:
        service.edit_idea(idea, product_manager, None, "x" * 200_000)
    assert oversized.value.status == 413


def test_an_author_may_not_reword_an_idea_others_have_voted_for(idea, suggester, voter):
    service.cast_vote(idea, suggester)  # the author's own vote does not count against them
    assert service.can_edit(idea, suggester)
    service.cast_vote(idea, voter)
    assert not service.can_edit(idea, suggester)
    with pytest.raises(DomainError) as voted:
        service.edit_idea(idea, suggester, "Something else entirely", None)
    assert voted.value.status == 409 and "voted" in str(voted.value)
    assert idea.title == "Scheduled snapshots"
