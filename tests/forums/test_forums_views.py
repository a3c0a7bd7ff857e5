"""Forum pages: full pages and HTMX fragments, posting in place, bad input, moderation."""

from __future__ import annotations

from portal.extensions import db
from portal.forums import service, watching
from portal.models import Post, TopicWatch
from tests.conftest import PASSWORD


def test_anyone_reads_the_forum_index_with_counts(client, topic_with_reply) -> None:
    page = client.get("/forums/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Storage" in html and "Feature Requests and Suggestions" in html
    assert "<td>1</td>" in html


def test_category_page_and_its_htmx_fragment(client, topic_with_reply) -> None:
    full = client.get("/forums/storage/")
    assert "<html" in full.get_data(as_text=True)
    assert "SR detached after reboot" in full.get_data(as_text=True)
    fragment = client.get("/forums/storage/", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "SR detached after reboot" in body
    assert "HX-Request" in fragment.headers["Vary"]


def test_list_pages_use_a_bounded_number_of_statements(
    client, storage, asker, helper_user, statements
) -> None:
    for number in range(12):
        topic = service.create_topic(storage, asker, f"Topic {number}", "Question")
        service.reply(topic, helper_user, "Answer")
    db.session.commit()
    topic_id = topic.id
    counts = []
    for url in ("/forums/", "/forums/storage/", f"/forums/topics/{topic_id}"):
        with statements() as counted:
            assert client.get(url).status_code == 200
        counts.append(counted())
    assert all(count <= 8 for count in counts), counts


def test_anonymous_readers_see_posts_but_no_reply_form(client, topic_with_reply) -> None:
    topic, _ = topic_with_reply
    html = client.get(f"/forums/topics/{topic.id}").get_data(as_text=True)
    assert "<strong>Repair</strong>" in html
    assert 'id="reply-body"' not in html
    response = client.post(f"/forums/topics/{topic.id}/reply", data={"body": "hi"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert service.topic_posts(topic, None).total == 2  # the question and the helper's reply


def test_reply_without_javascript_redirects_to_the_new_post(client, auth, topic_with_reply):
    topic, _ = topic_with_reply
    auth.login("helper@example.com", PASSWORD)
    response = client.post(f"/forums/topics/{topic.id}/reply", data={"body": "Did it work?"})
    assert response.status_code == 302
    post = db.session.query(Post).order_by(Post.id.desc()).first()
    assert response.headers["Location"].endswith(f"#post-{post.id}")


def test_reply_with_htmx_returns_a_fresh_form_and_the_post_out_of_band(
    client, auth, topic_with_reply
) -> None:
    topic, _ = topic_with_reply
    auth.login("helper@example.com", PASSWORD)
    response = client.post(
        f"/forums/topics/{topic.id}/reply",
        data={"body": "Try *this*"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'hx-swap-oob="beforeend:#posts"' in html
    assert "<em>this</em>" in html
    assert 'id="reply-body"' in html and "Try *this*" not in html


def test_empty_reply_with_htmx_keeps_the_form_and_says_why(client, auth, topic_with_reply):
    topic, _ = topic_with_reply
    auth.login("helper@example.com", PASSWORD)
    response = client.post(
        f"/forums/topics/{topic.id}/reply", data={"body": "  "}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert response.headers["HX-Reswap-Errors"] == "true"
    assert "empty" in response.get_data(as_text=True)


def test_a_100_kb_reply_is_refused_and_the_text_is_kept(client, auth, topic_with_reply) -> None:
    topic, _ = topic_with_reply
    auth.login("helper@example.com", PASSWORD)
    body = "log line\n" * 12_000
    response = client.post(f"/forums/topics/{topic.id}/reply", data={"body": body})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "100 KB" in html and "log line" in html
    assert service.topic_posts(topic, None).total == 2


def test_replying_in_a_locked_topic_is_refused(client, auth, topic_locked) -> None:
    auth.login("helper@example.com", PASSWORD)
    response = client.post(f"/forums/topics/{topic_locked.id}/reply", data={"body": "Hello?"})
    assert response.status_code == 409
    assert "locked" in response.get_data(as_text=True)


def test_preview_renders_markdown_safely(client, auth, topic_with_reply) -> None:
    auth.login("helper@example.com", PASSWORD)
    response = client.post(
        "/forums/preview",
        data={"body": "**bold** <script>alert(1)</script>"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert "<strong>bold</strong>" in html and "<script>" not in html


def test_preview_without_javascript_shows_the_topic_page_with_the_preview(
    client, auth, topic_with_reply
) -> None:
    topic, _ = topic_with_reply
    auth.login("helper@example.com", PASSWORD)
    response = client.post(
        f"/forums/topics/{topic.id}/reply", data={"body": "_draft_", "preview": "1"}
    )
    html = response.get_data(as_text=True)
    assert "<em>draft</em>" in html and "_draft_" in html
    assert service.topic_posts(topic, None).total == 2


def test_editing_someone_elses_post_is_forbidden(client, auth, topic_with_reply) -> None:
    _, post = topic_with_reply
    auth.login("asker@example.com", PASSWORD)
    assert client.get(f"/forums/posts/{post.id}/edit").status_code == 403
    response = client.post(f"/forums/posts/{post.id}/edit", data={"body": "mine now"})
    assert response.status_code == 403
    db.session.refresh(post)
    assert post.body == "Use **Repair** on the repository."


def test_editing_your_post_keeps_the_history(client, auth, topic_with_reply) -> None:
    _, post = topic_with_reply
    auth.login("helper@example.com", PASSWORD)
    response = client.post(f"/forums/posts/{post.id}/edit", data={"body": "Better answer"})
    assert response.status_code == 302
    history = client.get(f"/forums/posts/{post.id}/history").get_data(as_text=True)
    assert "Better answer" in history and "<strong>Repair</strong>" in history


def test_the_asker_marks_the_answer_from_the_page(client, auth, topic_with_reply) -> None:
    topic, post = topic_with_reply
    auth.login("asker@example.com", PASSWORD)
    page = client.get(f"/forums/topics/{topic.id}").get_data(as_text=True)
    assert "Mark as the answer" in page
    response = client.post(f"/forums/topics/{topic.id}/solution", data={"post_id": post.id})
    assert response.status_code == 302
    db.session.refresh(topic)
    assert topic.solved_post_id == post.id
    assert "Accepted answer" in client.get(f"/forums/topics/{topic.id}").get_data(as_text=True)


def test_watch_toggle_with_and_without_htmx(client, auth, topic_with_reply) -> None:
    topic, _ = topic_with_reply
    auth.login("asker@example.com", PASSWORD)
    fragment = client.post(
        f"/forums/topics/{topic.id}/watch",
        data={"action": "unwatch"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "Watch this topic" in fragment and "<html" not in fragment
    response = client.post(f"/forums/topics/{topic.id}/watch", data={"action": "watch"})
    assert response.status_code == 302
    assert db.session.query(TopicWatch).filter_by(topic_id=topic.id).count() == 2


def test_one_click_unsubscribe_asks_then_stops_the_mail(client, topic_with_reply, asker) -> None:
    topic, _ = topic_with_reply
    token = watching.unsubscribe_token(watching.find_watch(topic, asker))
    page = client.get(f"/forums/unsubscribe/{token}")
    assert page.status_code == 200 and "Stop these emails" in page.get_data(as_text=True)
    assert watching.is_watching(topic, asker)
    done = client.post(f"/forums/unsubscribe/{token}")
    assert done.status_code == 200
    assert not watching.is_watching(topic, asker)
    assert client.post(f"/forums/unsubscribe/{token}").status_code == 404


def test_moderator_controls_show_only_to_staff(
    client, auth, topic_with_reply, moderator_user
) -> None:
    topic, _ = topic_with_reply
    auth.login("asker@example.com", PASSWORD)
    assert "Moderation" not in client.get(f"/forums/topics/{topic.id}").get_data(as_text=True)
    response = client.post(f"/forums/topics/{topic.id}/moderate", data={"action": "lock"})
    assert response.status_code == 403
    auth.logout()
    auth.login("tse@example.com", PASSWORD)
    assert "Moderation" in client.get(f"/forums/topics/{topic.id}").get_data(as_text=True)
    client.post(f"/forums/topics/{topic.id}/moderate", data={"action": "lock"})
    db.session.refresh(topic)
    assert topic.locked


def test_reporting_a_post_needs_a_reason_and_reaches_moderators(
    client, auth, topic_with_reply, moderator_user
) -> None:
    _, post = topic_with_reply
    auth.login("asker@example.com", PASSWORD)
    refused = client.post(f"/forums/posts/{post.id}/report", data={"reason": ""})
    assert refused.status_code == 422
    assert (
        client.post(f"/forums/posts/{post.id}/report", data={"reason": "Spam"}).status_code == 302
    )
    auth.logout()
    auth.login("tse@example.com", PASSWORD)
    assert "Spam" in client.get("/forums/reports").get_data(as_text=True)


def test_new_topic_form_keeps_what_was_typed_on_error(client, auth, storage, asker) -> None:
    auth.login("asker@example.com", PASSWORD)
    response = client.post("/forums/storage/new", data={"title": "", "body": "My text"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "My text" in html
    assert 'aria-describedby="title-error" aria-invalid="true" id="title"' in html
    ok = client.post("/forums/storage/new", data={"title": "Title", "body": "My text"})
    assert ok.status_code == 302


def test_a_first_suggestion_in_the_feature_requests_forum_needs_the_terms(
    client, auth, categories, asker
) -> None:
    from portal.models import SuggestionTermsAcceptance, Topic

    auth.login(asker.email, PASSWORD)
    form = client.get("/forums/feature-requests/new").get_data(as_text=True)
    assert "Terms on suggestions" in form and "ideas board" in form
    assert "Terms on suggestions" not in client.get("/forums/storage/new").get_data(as_text=True)
    data = {"title": "Snapshots on a schedule", "body": "Nightly, please."}
    refused = client.post("/forums/feature-requests/new", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Accept the terms" in html and "Nightly, please." in html
    assert 'id="accept_terms-error"' in html and 'value="yes"' in html  # scripts send "yes"
    assert db.session.query(Topic).count() == 0
    posted = client.post("/forums/feature-requests/new", data=data | {"accept_terms": "yes"})
    assert posted.status_code == 302
    assert db.session.query(SuggestionTermsAcceptance).filter_by(user_id=asker.id).count() == 1
    again = client.get("/forums/feature-requests/new").get_data(as_text=True)
    assert "Terms on suggestions" not in again
