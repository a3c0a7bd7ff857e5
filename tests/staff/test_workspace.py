"""The engineer's case workspace: facts and tools in a side panel, the conversation newest
first, each tool's confirmation or error beside it, "reply and set status" as one change."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.cases import closure, conversation, replying
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import CaseMessage, OutgoingMail, Role
from portal.models.types import utcnow
from tests.conftest import make_user
from tests.staff.conftest import make_gold_p3_case


@pytest.fixture
def tse(app):
    return make_user("tse@example.com", Role.TSE, name="Tomas Tse")


@pytest.fixture
def console_case(gold_contact, contoso):
    """Contoso's P3 case about a blank console, filed just now; nobody owns it yet."""
    return make_gold_p3_case(gold_contact, contoso, now=utcnow(), subject="VM console blank")


def _section(html: str, element_id: str) -> str:
    """The markup from the element with ``element_id`` to the end of its tool (next tool)."""
    start = html.index(f'id="{element_id}"')
    following = re.search(r'id="tool-[a-z_]+"', html[start + 10 :])
    return html[start : start + 10 + following.start()] if following else html[start:]


def test_the_side_panel_holds_the_facts_and_the_tools_and_the_conversation_the_rest(
    client, auth, gold_contact, contoso, console_case, tse
):
    other_open = make_gold_p3_case(gold_contact, contoso, subject="Backups slow")
    earlier = make_gold_p3_case(gold_contact, contoso, subject="Licence question")
    closure.close_case(earlier, gold_contact)
    db.session.commit()
    auth.login("tse@example.com")
    html = client.get(f"/cases/{console_case.number}").get_data(as_text=True)
    panel = html[html.index('<aside class="workspace-panel"') : html.index("</aside>")]
    assert "Case facts" in panel and "Staff tools" in panel
    assert 'data-sla="on_track"' in panel and "Due in" in panel  # standing and countdown
    assert "Casey Contact" in panel and "Contoso Cloud" in panel and ">Gold<" in panel
    assert other_open.number in panel and "Backups slow" in panel  # the org's open cases
    assert "Recently closed" in panel and earlier.number in panel  # and its history
    assert "Take this case" in panel and "Change severity" in panel
    main = html[html.index("</aside>") :]
    assert "Reply to the customer" in main and "Conversation, newest first" in main


def test_the_conversation_shows_the_newest_activity_first(client, auth, console_case, tse):
    conversation.post_message(console_case, console_case.contact, "First update from Casey")
    conversation.post_message(console_case, console_case.contact, "Second update from Casey")
    db.session.commit()
    auth.login("tse@example.com")
    html = client.get(f"/cases/{console_case.number}").get_data(as_text=True)
    newest, older, filed = (
        html.index("Second update"),
        html.index("First update"),
        html.index("Case filed"),
    )
    assert newest < older < filed


def test_after_an_htmx_action_the_confirmation_is_beside_the_tool(client, auth, console_case, tse):
    auth.login("tse@example.com")
    client.post(f"/staff/cases/{console_case.number}/take")
    response = client.post(
        f"/staff/cases/{console_case.number}/severity",
        data={"severity": "P2", "reason": "Every console is blank"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    tool = _section(html, "tool-severity")
    assert 'role="status"' in tool and "The severity is changed" in tool
    assert html.count("The severity is changed") == 1  # beside this tool only, not at the top


def test_after_a_plain_post_the_page_returns_to_the_tool_with_its_confirmation(
    client, auth, console_case, tse
):
    auth.login("tse@example.com")
    taken = client.post(f"/staff/cases/{console_case.number}/take")
    assert taken.status_code == 302 and taken.location.endswith("#tool-take")
    html = client.get(taken.location).get_data(as_text=True)
    assert "The case is yours." in _section(html, "tool-take")
    assert html.count("The case is yours.") == 1  # beside the tool, not also at the top
    again = client.get(f"/cases/{console_case.number}").get_data(as_text=True)
    assert "The case is yours." not in again  # shown once


def test_a_refused_severity_keeps_the_chosen_severity_with_the_message_beside_the_reason(
    client, auth, console_case, tse
):
    auth.login("tse@example.com")
    for headers in ({}, {"HX-Request": "true"}):
        response = client.post(
            f"/staff/cases/{console_case.number}/severity",
            data={"severity": "P1", "reason": ""},
            headers=headers,
        )
        assert response.status_code == 422
        assert response.headers.get("HX-Reswap-Errors") == "true"
        tool = _section(response.get_data(as_text=True), "tool-severity")
        assert '<option selected value="P1">' in tool
        assert 'id="staff-severity-reason-error"' in tool and "Give a reason" in tool
    db.session.refresh(console_case)
    assert console_case.severity == "P3"


def test_reply_and_set_status_posts_the_reply_and_resolves_in_one_submit(
    client, auth, console_case, tse
):
    auth.login("tse@example.com")
    page = client.get(f"/cases/{console_case.number}").get_data(as_text=True)
    # A reply moves a New case on by itself, so the "no change" choice says so.
    assert (
        '<option value="">No other change (the reply moves it from New to Waiting on '
        "customer)</option>" in page
    )
    assert "Leave it waiting on customer" not in page and '<option value="resolved">' in page
    response = client.post(
        f"/staff/cases/{console_case.number}/reply",
        data={"body": "Fixed by the 5.0.1 hotfix.", "then_status": "resolved", "intent": "send"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Your reply is on the case" in _section(response.get_data(as_text=True), "tool-reply")
    db.session.refresh(console_case)
    assert console_case.status == "resolved" and console_case.first_response_at is not None
    assert [m.body for m in console_case.messages] == ["Fixed by the 5.0.1 hotfix."]


def test_a_refused_status_change_leaves_no_reply_and_sends_no_mail(client, auth, console_case, tse):
    auth.login("tse@example.com")
    mail_before = db.session.query(OutgoingMail).count()
    response = client.post(
        f"/staff/cases/{console_case.number}/reply",
        data={"body": "Waiting for the fix.", "then_status": "awaiting_bug_fix", "intent": "send"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "Link a bug tracking number" in html and "Waiting for the fix." in html
    )  # what was typed is kept
    assert 'id="staff-reply-status-error"' in html
    assert db.session.scalar(select(CaseMessage)) is None
    assert db.session.query(OutgoingMail).count() == mail_before
    db.session.refresh(console_case)
    assert console_case.status == "new" and console_case.first_response_at is None


def test_the_service_refuses_closing_by_reply_before_writing_anything(console_case, tse):
    with pytest.raises(DomainError) as refused:
        replying.reply_and_set_status(console_case, tse, "Closing.", "closed")
    assert "status tool" in refused.value.errors["status"]
    assert console_case.messages == []


def test_the_preview_renders_the_markdown_sanitised(client, auth, console_case, tse):
    auth.login("tse@example.com")
    preview = client.post(
        f"/staff/cases/{console_case.number}/preview",
        data={"body": "**Restart** the toolstack <script>alert(1)</script>"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "<strong>Restart</strong>" in preview and "<script" not in preview
    plain = client.post(
        f"/staff/cases/{console_case.number}/reply",
        data={"body": "**Restart** it", "intent": "preview"},
    ).get_data(as_text=True)
    assert "<strong>Restart</strong>" in plain and "**Restart** it</textarea>" in plain
    assert db.session.scalar(select(CaseMessage)) is None


def test_customers_get_neither_the_preview_nor_the_workspace(client, auth, console_case, tse):
    auth.login("admin@gold.example.com")
    html = client.get(f"/cases/{console_case.number}").get_data(as_text=True)
    assert 'id="workspace"' not in html and "Staff tools" not in html
    assert (
        client.post(f"/staff/cases/{console_case.number}/preview", data={"body": "x"}).status_code
        == 403
    )


def test_the_next_case_link_leads_to_the_soonest_due_other_case(
    client, auth, gold_contact, contoso, console_case, tse
):
    urgent = make_gold_p3_case(gold_contact, contoso, subject="Pool down", severity="P1")
    auth.login("tse@example.com")
    html = client.get(f"/cases/{console_case.number}").get_data(as_text=True)
    assert f'href="/cases/{urgent.number}" data-shortcut="next"' in html
    assert 'id="shortcut-help"' in html  # the shortcut overlay is on the page
