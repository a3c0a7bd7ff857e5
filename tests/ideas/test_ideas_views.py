"""Idea pages: the list with sorting and filters, the vote toggle, the terms, the PM form."""

from __future__ import annotations

from portal.extensions import db
from portal.ideas import service
from portal.models import Idea, IdeaVote, SuggestionTermsAcceptance
from tests.conftest import PASSWORD


def test_anyone_reads_the_board_and_the_idea(client, idea) -> None:
    board = client.get("/ideas/").get_data(as_text=True)
    assert "Scheduled snapshots" in board and "Log in to vote" in board
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Nightly, per VM." in page and "Set the status" not in page


def test_list_fragment_for_htmx_filters(client, idea) -> None:
    response = client.get("/ideas/?sort=newest&status=planned", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "No ideas with that status" in html
    full = client.get("/ideas/?sort=bogus&status=bogus")
    assert full.status_code == 200 and "Scheduled snapshots" in full.get_data(as_text=True)


def test_vote_toggle_with_htmx_updates_the_count_in_place(client, auth, idea, voter) -> None:
    auth.login("voter@example.com", PASSWORD)
    response = client.post(
        f"/ideas/{idea.id}/vote", data={"vote": "1"}, headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f'id="vote-{idea.id}"' in html and "<strong>1</strong> vote" in html
    assert 'aria-pressed="true"' in html
    again = client.post(
        f"/ideas/{idea.id}/vote", data={"vote": "1"}, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "already voted" in again and "<strong>1</strong> vote" in again
    assert db.session.query(IdeaVote).count() == 1
    withdrawn = client.post(
        f"/ideas/{idea.id}/vote", data={"vote": "0"}, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "<strong>0</strong> votes" in withdrawn


def test_vote_without_javascript_redirects_back(client, auth, idea, voter) -> None:
    auth.login("voter@example.com", PASSWORD)
    response = client.post(f"/ideas/{idea.id}/vote", data={"vote": "1", "next": "/ideas/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/ideas/")
    evil = client.post(f"/ideas/{idea.id}/vote", data={"vote": "0", "next": "//evil.example.com/"})
    assert evil.headers["Location"].endswith(f"/ideas/{idea.id}")


def test_anonymous_votes_go_to_login(client, idea) -> None:
    response = client.post(f"/ideas/{idea.id}/vote", data={"vote": "1"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_first_idea_shows_the_terms_and_refuses_without_them(client, auth, voter) -> None:
    auth.login("voter@example.com", PASSWORD)
    form = client.get("/ideas/new").get_data(as_text=True)
    assert "property" in form and 'name="accept_terms"' in form
    refused = client.post("/ideas/new", data={"title": "Bulk export", "body": "CSV please"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Accept the terms" in html and "CSV please" in html and "Bulk export" in html
    assert db.session.query(Idea).count() == 0
    ok = client.post(
        "/ideas/new", data={"title": "Bulk export", "body": "CSV please", "accept_terms": "yes"}
    )
    assert ok.status_code == 302
    assert db.session.query(SuggestionTermsAcceptance).count() == 1
    assert 'name="accept_terms"' not in client.get("/ideas/new").get_data(as_text=True)


def test_product_manager_sets_the_status_with_a_public_note(
    client, auth, idea, product_manager
) -> None:
    auth.login("pm@example.com", PASSWORD)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Set the status" in page and "Votes by support tier" in page
    bad = client.post(
        f"/ideas/{idea.id}/status", data={"status": "shipped", "note": "x", "release": "v" * 41}
    )
    assert bad.status_code == 422 and "Give the release as a short version" in bad.get_data(
        as_text=True
    )
    assert 'id="idea-release-error"' in bad.get_data(as_text=True)  # beside the release
    response = client.post(
        f"/ideas/{idea.id}/status", data={"status": "under_review", "note": "Looking into it"}
    )
    assert response.status_code == 302
    auth.logout()
    public = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Under review" in public and "Looking into it" in public


def test_customers_cannot_set_the_status(client, auth, idea, voter) -> None:
    auth.login("voter@example.com", PASSWORD)
    response = client.post(f"/ideas/{idea.id}/status", data={"status": "planned"})
    assert response.status_code == 403
    assert service.find_idea(idea.id).status == "new"


def test_the_board_uses_a_bounded_number_of_statements(
    client, suggester, voter, statements_counter
) -> None:
    for number in range(15):
        made = service.create_idea(suggester, f"Idea {number}", "x", True)
        service.cast_vote(made, voter)
    db.session.commit()
    with statements_counter() as counted:
        assert client.get("/ideas/").status_code == 200
    assert counted() <= 6


def test_the_author_edits_a_new_idea_with_a_preview(client, auth, idea) -> None:
    auth.login("suggester@example.com", PASSWORD)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f'href="/ideas/{idea.id}/edit"' in page
    form = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    assert 'value="Scheduled snapshots"' in form and "Nightly, per VM." in form
    preview = client.post(
        f"/ideas/{idea.id}/edit",
        data={"title": "x", "body": "**Bold** <script>alert(1)</script>", "preview": "1"},
    ).get_data(as_text=True)
    assert "<strong>Bold</strong>" in preview and "<script>alert" not in preview
    assert db.session.get(Idea, idea.id).title == "Scheduled snapshots"
    saved = client.post(
        f"/ideas/{idea.id}/edit",
        data={"title": "Scheduled VM snapshots", "body": "Nightly, per VM, kept a week."},
    )
    assert saved.status_code == 302
    shown = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Scheduled VM snapshots" in shown and "kept a week" in shown and ", edited" in shown


def test_an_empty_title_keeps_what_was_typed(client, auth, idea) -> None:
    auth.login("suggester@example.com", PASSWORD)
    response = client.post(
        f"/ideas/{idea.id}/edit", data={"title": " ", "body": "A longer description"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "A longer description" in html
    assert 'aria-invalid="true"' in html


def test_others_and_late_authors_cannot_edit(client, auth, idea, voter, product_manager) -> None:
    auth.login("voter@example.com", PASSWORD)
    assert f"/ideas/{idea.id}/edit" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    refused = client.post(f"/ideas/{idea.id}/edit", data={"title": "Mine", "body": "Mine"})
    assert refused.status_code == 403
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 403
    auth.logout()
    service.set_status(idea, product_manager, "planned", "Soon")
    db.session.commit()
    auth.login("suggester@example.com", PASSWORD)
    late = client.get(f"/ideas/{idea.id}/edit")
    assert late.status_code == 409 and "stays as voters saw it" in late.get_data(as_text=True)
    assert db.session.get(Idea, idea.id).title == "Scheduled snapshots"


def test_a_stranger_cannot_even_preview_an_edit(client, auth, idea, voter) -> None:
    auth.login("voter@example.com", PASSWORD)
    response = client.post(
        f"/ideas/{idea.id}/edit", data={"title": "x", "body": "**mine**", "preview": "1"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "<strong>mine</strong>" not in html


def test_a_status_that_mails_voters_is_confirmed_first_with_the_mail_shown(
    client, auth, idea, voter, product_manager
) -> None:
    service.cast_vote(idea, voter)
    db.session.commit()
    auth.login("pm@example.com", PASSWORD)
    sent = {"status": "shipped", "note": "In the spring update.", "release": "5.1"}
    asked = client.post(f"/ideas/{idea.id}/status", data=sent)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "1 voter will get this mail" in html
    assert "Hello Vic Voter" in html and "Status: Shipped in release 5.1" in html
    assert service.find_idea(idea.id).status == "new"  # nothing changed, nothing queued yet
    done = client.post(f"/ideas/{idea.id}/status", data=sent | {"confirmed": "yes"})
    assert done.status_code == 302
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Status history" in page and "Shipped in release 5.1" in page
    assert "from New · Priya Pm" in page
