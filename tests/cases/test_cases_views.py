"""The filing form, the case page and the case list, through the test client."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.cases import closure, conversation, triage
from portal.cases.attachments import save_attachment
from portal.extensions import db
from portal.models import Attachment, Case, CaseEvent, CaseMessage, Deflection, OutgoingMail
from tests.conftest import PASSWORD, count_statements, make_case, make_contact, make_user

HX = {"HX-Request": "true"}
FORM = {
    "subject": "Host crashes during backup",
    "description": "Every night at 02:00 the host reboots while the backup job runs.",
    "severity": "P2",
    "product": "XenServer",
    "version": "5.0.0",
    "recent_changes": "New backup software installed on Monday.",
}


def test_filing_form_teaches_what_to_collect_and_defines_severities(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    html = client.get("/cases/new").get_data(as_text=True)
    for name in ("subject", "description", "severity", "product", "version", "attachments"):
        assert f'name="{name}"' in html
    assert "xe host-bugreport-upload" in html and "Crash dumps" in html
    assert "Recent changes" in html and "XenCenter" in html
    assert "Your systems are down across the organisation" in html  # P1's definition
    assert 'hx-trigger="input changed delay:400ms"' in html


def test_filing_shows_the_number_and_queues_the_acknowledgement(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    data = FORM | {"attachments": (io.BytesIO(b"log line\n" * 100), "../../etc/host log.txt")}
    response = client.post("/cases/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert response.headers["Location"].endswith(f"/cases/{case.number}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Case {case.number} is open" in page and "Due in" in page
    mail = db.session.scalar(
        select(OutgoingMail).where(OutgoingMail.template == "cases_acknowledgement")
    )
    assert mail.recipient == "admin@gold.example.com" and case.number in mail.subject
    [attachment] = case.attachments
    assert attachment.original_name == "host log.txt" and attachment.size == 900
    assert ".." not in attachment.stored_path and attachment.stored_path.endswith("host_log.txt")


def test_filing_errors_keep_what_was_typed(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    response = client.post("/cases/new", data=FORM | {"severity": "P9", "subject": " "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "P1 to P5" in html and "short subject" in html
    assert FORM["description"] in html and FORM["recent_changes"] in html
    assert 'aria-describedby="subject-error" aria-invalid="true"' in html  # beside its field
    assert 'id="severity-error"' in html and 'selected value="XenServer"' in html
    assert db.session.scalar(select(Case)) is None


@pytest.mark.parametrize("app_config", [{"MAX_ATTACHMENT_BYTES": 1000}])
def test_an_oversized_attachment_answers_413_and_keeps_the_case_text(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    data = FORM | {"attachments": (io.BytesIO(b"x" * 5000), "core.dump")}
    response = client.post("/cases/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "core.dump is larger than" in html and FORM["description"] in html
    assert FORM["subject"] in html
    assert db.session.scalar(select(Case)) is None


def test_evaluation_user_gets_self_help_not_the_form(client, auth, app):
    make_user("eval@example.com")
    auth.login("eval@example.com")
    response = client.post("/cases/new", data=FORM)
    assert response.status_code == 200 and "find you an answer" in response.get_data(as_text=True)
    assert db.session.scalar(select(Case)) is None


def test_contact_of_two_organisations_chooses_one(client, auth, contoso, northwind):
    from portal.accounts import service as accounts
    from portal.models import ContactKind

    user = make_contact(contoso, email="both@example.com")
    accounts.grant_contact_role(user, northwind, ContactKind.SUPPORT_ADMIN)
    db.session.commit()
    auth.login("both@example.com")
    assert 'name="organisation"' in client.get("/cases/new").get_data(as_text=True)
    response = client.post("/cases/new", data=FORM)
    assert response.status_code == 422 and "Choose the organisation" in response.get_data(
        as_text=True
    )
    client.post("/cases/new", data=FORM | {"organisation": str(northwind.id)})
    assert db.session.scalar(select(Case)).tier == "base"


def test_deflection_panel_is_a_fragment_for_htmx_and_a_page_without(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    fragment = client.get("/cases/suggestions?subject=storage+repository", headers=HX)
    assert "<html" not in fragment.get_data(as_text=True)
    page = client.get("/cases/suggestions?subject=storage+repository").get_data(as_text=True)
    assert "<html" in page and 'value="storage repository"' in page


def test_this_answered_my_question_counts_a_deflection(client, auth, gold_contact, contoso):
    auth.login("admin@gold.example.com")
    response = client.post(
        "/cases/deflected",
        data={
            "article_key": "article:sr-limits",
            "query": "storage limits",
            "next": "/kb/sr-limits",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/kb/sr-limits")
    deflection = db.session.scalar(select(Deflection))
    assert (
        deflection.article_key == "article:sr-limits" and deflection.organisation_id == contoso.id
    )
    assert db.session.scalar(select(Case)) is None


def test_deflection_never_redirects_off_site(client, auth, gold_contact):
    auth.login("admin@gold.example.com")
    response = client.post("/cases/deflected", data={"article_key": "x", "next": "//evil.example"})
    assert response.status_code == 302
    assert (
        response.headers["Location"].startswith("/") and "evil" not in response.headers["Location"]
    )


def test_case_page_shows_status_severity_owner_and_due_time(client, auth, gold_p2_case_new):
    auth.login("admin@gold.example.com")
    html = client.get(f"/cases/{gold_p2_case_new.number}").get_data(as_text=True)
    assert 'id="case-status">New<' in html and "P2 High" in html
    assert "Not yet assigned" in html and "response-clock" in html


def test_reply_with_htmx_returns_the_case_body_fragment(client, auth, gold_p2_case_new):
    auth.login("admin@gold.example.com")
    response = client.post(
        f"/cases/{gold_p2_case_new.number}/messages", data={"body": "Please, escalate!"}, headers=HX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Please, escalate!" in html and 'id="case-escalated"' in html


def test_reply_without_htmx_redirects_to_the_case(client, auth, gold_p2_case_new):
    auth.login("admin@gold.example.com")
    response = client.post(
        f"/cases/{gold_p2_case_new.number}/messages", data={"body": "More detail."}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(CaseMessage)).body == "More detail."


@pytest.mark.parametrize("headers", [HX, {}])
def test_reply_errors_keep_what_was_typed(client, auth, gold_p2_case_new, gold_contact, headers):
    closure.close_case(gold_p2_case_new, gold_contact)
    db.session.commit()
    response = None
    auth.login("admin@gold.example.com")
    closure.reopen_case(gold_p2_case_new, gold_contact)
    db.session.commit()
    response = client.post(
        f"/cases/{gold_p2_case_new.number}/messages", data={"body": "   "}, headers=headers
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write a message" in html and ("<html" in html) == (not headers)


def test_upload_later_and_download_as_attachment_with_nosniff(client, auth, gold_p2_case_new):
    auth.login("admin@gold.example.com")
    response = client.post(
        f"/cases/{gold_p2_case_new.number}/attachments",
        data={"attachments": (io.BytesIO(b"<script>alert(1)</script>"), "page.html")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = db.session.scalar(select(Attachment))
    download = client.get(f"/cases/{gold_p2_case_new.number}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == b"<script>alert(1)</script>"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "page.html" in download.headers["Content-Disposition"]
    download.close()


def test_escalate_button_close_and_reopen(client, auth, gold_p2_case_new, manager):
    auth.login("admin@gold.example.com")
    number = gold_p2_case_new.number
    assert client.post(f"/cases/{number}/escalate").status_code == 302
    assert client.post(f"/cases/{number}/close").status_code == 302
    db.session.expire_all()
    case = db.session.scalar(select(Case))
    assert case.escalated and case.status == "closed"
    assert client.post(f"/cases/{number}/reopen").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Case)).status == "waiting_on_support"


def test_another_organisations_case_is_404_everywhere(client, auth, gold_p2_case_new, base_contact):
    upload = FileStorage(io.BytesIO(b"kernel: panic"), "host.log")
    attachment_id = save_attachment(gold_p2_case_new, upload, gold_p2_case_new.contact).id
    db.session.commit()
    auth.login("admin@base.example.com")
    number = gold_p2_case_new.number
    assert client.get(f"/cases/{number}").status_code == 404
    assert client.post(f"/cases/{number}/messages", data={"body": "hi"}).status_code == 404
    assert client.post(f"/cases/{number}/escalate").status_code == 404
    assert client.post(f"/cases/{number}/close").status_code == 404
    upload = client.post(
        f"/cases/{number}/attachments",
        data={"attachments": (io.BytesIO(b"x"), "x.txt")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 404
    assert client.get(f"/cases/{number}/attachments/{attachment_id}").status_code == 404
    assert gold_p2_case_new.number not in client.get("/cases/").get_data(as_text=True)


def test_staff_can_read_any_case_but_not_act_as_the_customer(client, auth, gold_p2_case_new, tse):
    auth.login("tse@support.example.com")
    html = client.get(f"/cases/{gold_p2_case_new.number}").get_data(as_text=True)
    assert gold_p2_case_new.subject in html and "Staff tools" in html
    assert f'action="/cases/{gold_p2_case_new.number}/messages"' not in html


def test_internal_notes_never_reach_the_customer_page(client, auth, gold_p2_case_new, tse):
    from portal.cases.conversation import add_internal_note

    add_internal_note(gold_p2_case_new, tse, "SECRET-NOTE unsupported kernel")
    conversation.post_message(gold_p2_case_new, tse, "PUBLIC-REPLY: which kernel do you run?")
    db.session.commit()
    auth.login("admin@gold.example.com")
    response = client.get(f"/cases/{gold_p2_case_new.number}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "PUBLIC-REPLY" in html
    assert "SECRET-NOTE" not in html


def test_case_list_filters_sorts_by_due_and_pages(client, auth, gold_contact, contoso):
    p1 = make_case(gold_contact, contoso, severity="P1", subject="Everything is down")
    make_case(gold_contact, contoso, severity="P3", subject="Console glitch", product="XenCenter")
    auth.login("admin@gold.example.com")
    html = client.get("/cases/").get_data(as_text=True)
    assert html.index("Everything is down") < html.index("Console glitch")
    html = client.get("/cases/?product=XenCenter", headers=HX).get_data(as_text=True)
    assert "<html" not in html and "Console glitch" in html and p1.subject not in html
    html = client.get("/cases/?severity=P1").get_data(as_text=True)
    assert "Everything is down" in html and "Console glitch" not in html


@pytest.mark.parametrize("count", [3, 30])
def test_case_list_uses_a_bounded_number_of_statements(
    client, auth, gold_contact, contoso, tse, count
):
    for n in range(count):
        case = make_case(gold_contact, contoso, subject=f"Case {n}")
        triage.assign(case, tse, tse)
    db.session.commit()
    auth.login("admin@gold.example.com")
    with count_statements() as statements:
        response = client.get("/cases/")
    assert response.status_code == 200
    # The product filter's choices are one query of the product records.
    assert len(statements) <= 9, statements


def test_deflection_panel_suggests_matching_articles_from_the_search(client, auth, gold_contact):
    from portal import search
    from portal.kb import service as kb

    kb.save_article(
        None,
        {
            "title": "Attaching an NFS storage repository",
            "slug": "nfs-storage-repository",
            "product": "XenServer",
            "body": "Run `xe sr-create type=nfs` on the pool master.",
            "status": "published",
        },
        None,
    )
    db.session.commit()
    search.catch_up()
    try:
        auth.login("admin@gold.example.com")
        html = client.get("/cases/suggestions?subject=nfs+storage+repository", headers=HX).get_data(
            as_text=True
        )
    finally:
        search.close_all()
    assert "Attaching an NFS storage repository" in html
    assert 'value="article:nfs-storage-repository"' in html and "This answered my question" in html


def test_only_people_who_may_file_can_count_a_deflection(client, auth, app):
    make_user("eval@example.com")
    auth.login("eval@example.com")
    assert client.post("/cases/deflected", data={"article_key": "x"}).status_code == 403
    assert db.session.scalar(select(Deflection)) is None


def test_an_expired_agreement_leaves_old_cases_readable_but_read_only(client, auth, tse):
    from datetime import UTC, date, datetime

    from portal.accounts import service as accounts
    from tests.conftest import make_organisation

    org = make_organisation("Lapsed Ltd", "gold", date(2025, 1, 1), date(2025, 12, 31))
    admin = make_contact(org, email="admin@lapsed.example.com")
    filed = datetime(2025, 6, 10, 16, 0, tzinfo=UTC)  # while the agreement was in force
    case = make_case(
        admin, org, now=filed, subject="Old problem", description="From last year", severity="P3"
    )
    conversation.post_message(case, tse, "Which version do you run?", now=filed)
    db.session.commit()
    assert case.status == "waiting_on_customer"
    number = case.number
    auth.login("admin@lapsed.example.com")
    response = client.get(f"/cases/{number}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[page.find("<main") :][:1500]
    assert "Old problem" in page and "support agreement has ended" in page
    assert 'id="reply-form"' not in page
    refused = client.post(f"/cases/{number}/messages", data={"body": "Still broken"})
    assert refused.status_code == 403 and "agreement has ended" in refused.get_data(as_text=True)
    assert db.session.query(CaseMessage).count() == 1  # support's question only

    token = client.post(
        "/api/v1/tokens", json={"email": "admin@lapsed.example.com", "password": PASSWORD}
    ).get_json()["token"]
    api = client.post(
        f"/api/v1/cases/{number}/messages",
        json={"body": "Still broken"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 403, api.get_json()
    assert api.get_json()["error"]["code"] == "agreement_expired"

    accounts.add_agreement(org, "gold", date(2026, 1, 1), date(2030, 12, 31))  # renewed
    db.session.commit()
    assert (
        client.post(f"/cases/{number}/messages", data={"body": "Still broken"}).status_code == 302
    )


def test_a_long_case_page_shows_the_newest_updates_and_links_to_the_earlier_ones(
    client, auth, gold_p2_case_new, tse
):
    from portal.cases.conversation import add_internal_note
    from portal.cases.queries import LATEST_ENTRIES

    case = gold_p2_case_new
    for n in range(LATEST_ENTRIES + 5):
        conversation.post_message(case, tse, f"Reply number {n:03d} from support.")
    add_internal_note(case, tse, "SECRET-NOTE the newest entry, for staff only")
    db.session.commit()
    auth.login("admin@gold.example.com")
    with count_statements() as statements:
        html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    # The filing, the first reply's clock and status events and the first five replies are
    # earlier; the note is never the customer's.
    public = db.session.scalar(
        select(func.count()).where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True))
    )
    earlier = f"Show {public - LATEST_ENTRIES} earlier updates"
    assert "Reply number 054" in html and "Reply number 005" in html
    assert "Reply number 004" not in html and "SECRET-NOTE" not in html
    assert earlier in html and html.index(earlier) < html.index("Reply number 005")
    link = f"/cases/{case.number}?conversation=all#conversation"
    assert f'href="{link}"' in html
    whole = client.get(link.split("#")[0]).get_data(as_text=True)
    assert "Reply number 000" in whole and "earlier update" not in whole
    newest = client.get(f"/cases/{case.number}?order=newest").get_data(as_text=True)
    assert newest.index("Reply number 054") < newest.index(earlier)
    assert (
        "conversation=all&amp;order=newest" in newest
        or "order=newest&amp;conversation=all" in newest
    )
    # The page's statements do not grow with the conversation.
    assert len(statements) <= 14, statements


def test_staff_see_the_newest_updates_with_notes_and_the_link_to_the_rest(
    client, auth, gold_p2_case_new, tse
):
    from portal.cases.conversation import add_internal_note
    from portal.cases.queries import LATEST_ENTRIES

    case = gold_p2_case_new
    for n in range(LATEST_ENTRIES):
        conversation.post_message(case, tse, f"Reply number {n:03d} from support.")
    add_internal_note(case, tse, "SECRET-NOTE for staff")
    db.session.commit()
    auth.login(tse.email)
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "SECRET-NOTE" in html and "Add an internal note (1 so far)" in html
    every = db.session.scalar(select(func.count()).where(CaseEvent.case_id == case.id))
    assert "Reply number 049" in html and "Reply number 000" not in html
    assert f"Show {every - LATEST_ENTRIES} earlier updates" in html
