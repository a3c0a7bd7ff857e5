"""Forum rules without HTTP: posting, editing with history, solved answers, moderation."""

from __future__ import annotations

import pytest

from portal.domain_error import DomainError
from portal.extensions import db
from portal.forums import moderation, service, watching
from portal.models import Job, PostRevision, Report, Role, SearchChange, TopicWatch
from tests.conftest import make_user


def test_new_topic_holds_its_first_post_and_its_author_watches_it(storage, asker) -> None:
    topic = service.create_topic(storage, asker, "  Pool   master lost ", "What now?")
    db.session.commit()
    assert topic.title == "Pool master lost"
    assert service.topic_posts(topic, asker).total == 1
    assert watching.is_watching(topic, asker)


@pytest.mark.parametrize("body", ["", "   \n", None, 42])
def test_empty_posts_are_refused_with_a_reason(topic_with_reply, helper_user, body) -> None:
    topic, _ = topic_with_reply
    with pytest.raises(DomainError, match="empty"):
        service.reply(topic, helper_user, body)


def test_a_post_over_100_kb_is_refused_and_nothing_is_saved(topic_with_reply, helper_user) -> None:
    topic, _ = topic_with_reply
    with pytest.raises(DomainError, match="100 KB") as caught:
        service.reply(topic, helper_user, "x" * (100 * 1024 + 1))
    assert caught.value.status == 413
    db.session.rollback()
    assert service.topic_posts(topic, helper_user).total == 2


def test_a_post_of_exactly_100_kb_is_accepted(topic_with_reply, helper_user) -> None:
    topic, _ = topic_with_reply
    service.reply(topic, helper_user, "y" * (100 * 1024))
    assert topic.reply_count == 2


def test_a_locked_topic_takes_no_replies(topic_locked, helper_user) -> None:
    with pytest.raises(DomainError, match="locked") as caught:
        service.reply(topic_locked, helper_user, "One more thing")
    assert caught.value.status == 409


def test_a_reply_moves_the_topic_up_and_mails_the_watchers(topic_with_reply, asker) -> None:
    topic, first_reply = topic_with_reply
    jobs = db.session.query(Job).filter_by(kind=watching.REPLY_MAIL_JOB).count()
    assert jobs == 1  # the helper's reply, announced to the asker
    third = make_user("third@example.com")
    latest = service.reply(topic, third, "Same here")
    assert topic.reply_count == 2
    assert topic.last_activity_at == latest.created_at > first_reply.created_at
    assert db.session.query(Job).filter_by(kind=watching.REPLY_MAIL_JOB).count() == 2


def test_authors_edit_their_posts_and_the_old_text_is_kept(topic_with_reply, helper_user) -> None:
    _, post = topic_with_reply
    service.edit_post(post, helper_user, "Use **Repair**, then re-plug the PBD.")
    db.session.commit()
    assert post.edited_at is not None
    revisions = service.post_revisions(post)
    assert [r.body for r in revisions] == ["Use **Repair** on the repository."]


def test_nobody_edits_someone_elses_post(topic_with_reply, asker, moderator_user) -> None:
    _, post = topic_with_reply
    for intruder in (asker, moderator_user):
        with pytest.raises(DomainError, match="Only the author") as caught:
            service.edit_post(post, intruder, "hijacked")
        assert caught.value.status == 403
    assert post.body == "Use **Repair** on the repository."
    assert db.session.query(PostRevision).count() == 0


def test_the_asker_marks_a_reply_as_the_answer_and_search_hears_of_it(
    topic_with_reply, asker
) -> None:
    topic, post = topic_with_reply
    before = db.session.query(SearchChange).filter_by(doc_type="topic").count()
    service.mark_solved(topic, post, asker)
    db.session.commit()
    assert topic.solved_post_id == post.id
    changes = db.session.query(SearchChange).filter_by(doc_type="topic").all()
    assert len(changes) == before + 1 and changes[-1].doc_key == str(topic.id)


def test_only_the_asker_or_staff_mark_the_answer(topic_with_reply, helper_user, moderator_user):
    topic, post = topic_with_reply
    with pytest.raises(DomainError) as caught:
        service.mark_solved(topic, post, helper_user)
    assert caught.value.status == 403
    service.mark_solved(topic, post, moderator_user)
    assert topic.solved


def test_the_question_itself_cannot_be_the_answer(topic_with_reply, asker) -> None:
    topic, _ = topic_with_reply
    opener = service.first_post(topic)
    with pytest.raises(DomainError, match="not the question"):
        service.mark_solved(topic, opener, asker)


def test_hidden_topics_are_gone_for_readers_but_not_for_moderators(
    topic_with_reply, moderator_user, helper_user
) -> None:
    topic, _ = topic_with_reply
    with pytest.raises(DomainError, match="reason"):
        moderation.moderate_topic(topic, moderator_user, "hide", "  ")
    moderation.moderate_topic(topic, moderator_user, "hide", "Contains a license key")
    db.session.commit()
    assert service.visible_topic(topic.id, helper_user) is None
    assert service.visible_topic(topic.id, moderator_user) is topic
    overview = {s.category.slug: s.topic_count for s in service.categories_overview(helper_user)}
    assert overview["storage"] == 0


def test_customers_cannot_moderate(topic_with_reply, asker) -> None:
    topic, _ = topic_with_reply
    for action in ("pin", "lock", "hide"):
        with pytest.raises(DomainError) as caught:
            moderation.moderate_topic(topic, asker, action, "because")
        assert caught.value.status == 403
    assert not topic.pinned and not topic.locked and not topic.hidden


def test_pinned_topics_come_first_then_latest_activity(storage, asker, moderator_user) -> None:
    old = service.create_topic(storage, asker, "Old but important", "Read me")
    newer = service.create_topic(storage, asker, "Newer", "Hi")
    moderation.moderate_topic(old, moderator_user, "pin")
    db.session.commit()
    assert [t.title for t in service.category_topics(storage, asker).items] == [
        old.title,
        newer.title,
    ]


def test_moving_a_topic_changes_its_category(topic_with_reply, moderator_user) -> None:
    topic, _ = topic_with_reply
    moderation.move_topic(topic, moderator_user, service.find_category("networking"))
    assert topic.category.slug == "networking"


def test_hiding_a_post_closes_its_reports(topic_with_reply, asker, moderator_user) -> None:
    _, post = topic_with_reply
    moderation.report_post(post, asker, "Advertises a competitor")
    assert len(moderation.open_reports(moderator_user)) == 1
    moderation.hide_post(post, moderator_user, "Advertising")
    assert moderation.open_reports(moderator_user) == []
    assert db.session.query(Report).one().resolved


def test_unsubscribe_token_is_signed_and_finds_the_watch(topic_with_reply, asker, app) -> None:
    topic, _ = topic_with_reply
    watch_row = watching.find_watch(topic, asker)
    signed = watching.unsubscribe_token(watch_row)
    assert signed != watch_row.token
    assert watching.watch_for_token(signed) is watch_row
    assert watching.watch_for_token(watch_row.token) is None
    assert watching.watch_for_token(signed[:-2] + "xx") is None


def test_reply_mail_goes_to_watchers_but_not_the_replier(topic_with_reply, asker, app) -> None:
    from portal.models import OutgoingMail
    from portal.models.types import utcnow

    topic, post = topic_with_reply
    watching.send_reply_mail({"post_id": post.id}, utcnow())
    mails = db.session.query(OutgoingMail).all()
    assert [m.recipient for m in mails] == ["asker@example.com"]
    mail = mails[0]
    assert "List-Unsubscribe" in mail.headers
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/forums/unsubscribe/" in mail.text_body
    assert db.session.query(TopicWatch).count() == 2


def test_evaluation_users_may_post(storage) -> None:
    evaluator = make_user("eval@example.com", Role.EVALUATION)
    assert service.create_topic(storage, evaluator, "Trying it out", "Hello").id


@pytest.mark.parametrize("app_config", [{"SERVER_NAME": None}])
def test_reply_mail_links_name_base_url_even_inside_a_request_to_another_host(
    topic_with_reply, app, app_config
) -> None:
    from portal.models import OutgoingMail
    from portal.models.types import utcnow

    topic, post = topic_with_reply
    with app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        watching.send_reply_mail({"post_id": post.id}, utcnow())
    mail = db.session.query(OutgoingMail).one()
    assert "http://portal.test/forums/unsubscribe/" in mail.text_body
    assert "127.0.0.1" not in mail.text_body + str(mail.headers)
