from datetime import timedelta

import pytest

from portal.cases import closure, conversation, triage
from portal.extensions import db
from portal.models import Article, Case, CaseArticleLink, Role
from portal.models.types import utcnow
from tests.conftest import make_case, make_user


@pytest.fixture
def gold_p2_case_resolved(gold_contact, contoso) -> Case:
    """Contoso's P2 case, filed two days ago; Tomas Tse took it, answered it and resolved it."""
    filed = utcnow() - timedelta(days=2)
    case = make_case(
        gold_contact,
        contoso,
        now=filed,
        subject="NFS SR detaches after host reboot",
        description="At Contoso, host xs-prod-07 loses the SR after every reboot.",
        version="4.1",
    )
    tse = make_user("tse@example.com", Role.TSE, name="Tomas Tse")
    answered = filed + timedelta(hours=1)
    triage.assign(case, tse, tse, now=answered)
    conversation.post_message(
        case, tse, "Add the SR to the host's fstab-independent PBD config.", now=answered
    )
    triage.set_status(case, "resolved", tse, now=answered + timedelta(minutes=5))
    db.session.commit()
    return case


def test_tse_drafts_an_article_prefilled_from_the_case(client, auth, gold_p2_case_resolved):
    auth.login("tse@example.com")
    form = client.get(f"/staff/cases/{gold_p2_case_resolved.number}/kb-draft").get_data(
        as_text=True
    )
    assert "fstab-independent PBD config" in form and "Before publishing" in form
    response = client.post(
        f"/staff/cases/{gold_p2_case_resolved.number}/kb-draft",
        data={
            "title": "NFS storage detaches after a reboot",
            "product": "XenServer",
            "versions": "4.1",
            "tags": "nfs, storage",
            "summary": "Reattach NFS SRs",
            "body": "## Symptoms\n\nThe SR detaches.\n\n## Resolution\n\nReplug the PBD.",
        },
    )
    assert response.status_code == 302
    article = db.session.query(Article).one()
    assert article.status == "draft" and article.author.email == "tse@example.com"
    link = db.session.query(CaseArticleLink).one()
    assert link.case_id == gold_p2_case_resolved.id and link.article_id == article.id
    page = client.get(f"/cases/{gold_p2_case_resolved.number}").get_data(as_text=True)
    assert "NFS storage detaches after a reboot" in page
    draft_page = client.get(response.headers["Location"])
    assert draft_page.status_code == 200
    assert "Drafted from case" in draft_page.get_data(as_text=True)
    client.post("/logout")
    assert client.get(response.headers["Location"]).status_code == 404  # readers never see drafts


def test_open_cases_cannot_be_drafted_yet(client, auth, gold_p2_case_resolved):
    closure.reopen_case(gold_p2_case_resolved, gold_p2_case_resolved.contact, reason="Back again")
    db.session.commit()
    auth.login("tse@example.com")
    response = client.post(
        f"/staff/cases/{gold_p2_case_resolved.number}/kb-draft",
        data={"title": "Too early", "body": "x"},
    )
    assert response.status_code == 409
    assert db.session.query(Article).count() == 0


def test_draft_without_title_keeps_the_text(client, auth, gold_p2_case_resolved):
    auth.login("tse@example.com")
    response = client.post(
        f"/staff/cases/{gold_p2_case_resolved.number}/kb-draft",
        data={"title": "", "body": "My careful write-up"},
    )
    assert response.status_code == 422
    assert "My careful write-up" in response.get_data(as_text=True)


def test_customers_cannot_draft(client, auth, gold_p2_case_resolved):
    auth.login("admin@gold.example.com")
    assert client.get(f"/staff/cases/{gold_p2_case_resolved.number}/kb-draft").status_code == 403
