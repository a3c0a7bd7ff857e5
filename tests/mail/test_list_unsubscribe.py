"""Forum-watch and idea mail carry List-Unsubscribe with one-click unsubscribe (RFC 8058):
a POST to the link, with no login and no CSRF token, stops that mail."""

from __future__ import annotations

from portal.extensions import db
from portal.ideas.notify import send_status_mail
from portal.models import Idea, IdeaVote, Role
from portal.models.types import utcnow
from tests.conftest import make_user
from tests.mail.conftest import outbox


def _idea_with_a_voter() -> tuple[Idea, IdeaVote]:
    author = make_user("author@example.com", Role.CUSTOMER, name="Ada Author")
    voter = make_user("voter@example.com", Role.CUSTOMER, name="Vic Voter")
    idea = Idea(author_id=author.id, title="Storage alerts", body="Please", vote_count=1)
    db.session.add(idea)
    db.session.flush()
    vote = IdeaVote(idea_id=idea.id, user_id=voter.id)
    db.session.add(vote)
    db.session.commit()
    return idea, vote


def test_idea_mail_unsubscribes_with_one_click_and_the_vote_still_counts(app, client):
    idea, vote = _idea_with_a_voter()
    send_status_mail({"idea_id": idea.id}, utcnow())
    db.session.commit()

    [mail] = outbox("voter@example.com")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail.headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://portal.test/ideas/unsubscribe/") and link in mail.text_body
    assert mail.headers["Auto-Submitted"] == "auto-generated"

    path = link.removeprefix("http://portal.test")
    assert client.get(path).status_code == 200  # a link scanner's GET changes nothing
    assert db.session.get(IdeaVote, vote.id).mail_updates is True
    assert client.post(path, data="List-Unsubscribe=One-Click").status_code == 200

    db.session.expire_all()
    assert db.session.get(IdeaVote, vote.id).mail_updates is False
    assert db.session.get(Idea, idea.id).vote_count == 1
    send_status_mail({"idea_id": idea.id}, utcnow())
    db.session.commit()
    assert len(outbox("voter@example.com")) == 1


def test_a_forged_unsubscribe_link_is_refused(app, client):
    assert client.post("/ideas/unsubscribe/not-a-token").status_code == 404
