from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import Article, Case, CaseArticleLink, CaseMessage, Role
from portal.models.types import utcnow
from tests.conftest import make_contact, make_organisation, make_user


@pytest.fixture
def resolved_case(app):
    org = make_organisation("Contoso Cloud", tier="gold")
    contact = make_contact(org, email="gold@example.com")
    tse = make_user("tse@example.com", Role.TSE, name="Tomas Tse")
    case = Case(
        number="00000400",
        organisation=org,
        contact=contact,
        owner=tse,
        subject="NFS SR detaches after host reboot",
        description="At Contoso, host xs-prod-07 loses the SR after every reboot.",
        product="XenServer",
        version="4.1",
        customer_severity="P2",
        severity="P2",
        tier="gold",
        status="resolved",
        filed_at=utcnow() - timedelta(days=2),
    )
    db.session.add(case)
    db.session.add(
        CaseMessage(
            case=case,
            author=tse,
            public=True,
            from_support=True,
            body="Add the SR to the host's fstab-independent PBD config.",
        )
    )
    db.session.commit()
    return case


def test_tse_drafts_an_article_prefilled_from_the_case(client, auth, resolved_case):
    auth.login("tse@example.com")
    form = client.get("/staff/cases/00000400/kb-draft").get_data(as_text=True)
    assert "fstab-independent PBD config" in form and "Before publishing" in form
    response = client.post(
        "/staff/cases/00000400/kb-draft",
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
    assert link.case_id == resolved_case.id and link.article_id == article.id
    page = client.get("/cases/00000400").get_data(as_text=True)
    assert "NFS storage detaches after a reboot" in page
    draft_page = client.get(response.headers["Location"])
    assert draft_page.status_code == 200
    assert "Drafted from case" in draft_page.get_data(as_text=True)
    client.post("/logout")
    assert client.get(response.headers["Location"]).status_code == 404  # readers never see drafts


def test_open_cases_cannot_be_drafted_yet(client, auth, resolved_case):
    resolved_case.status = "assigned"
    db.session.commit()
    auth.login("tse@example.com")
    response = client.post(
        "/staff/cases/00000400/kb-draft", data={"title": "Too early", "body": "x"}
    )
    assert response.status_code == 409
    assert db.session.query(Article).count() == 0


def test_draft_without_title_keeps_the_text(client, auth, resolved_case):
    auth.login("tse@example.com")
    response = client.post(
        "/staff/cases/00000400/kb-draft", data={"title": "", "body": "My careful write-up"}
    )
    assert response.status_code == 422
    assert "My careful write-up" in response.get_data(as_text=True)


def test_customers_cannot_draft(client, auth, resolved_case):
    auth.login("gold@example.com")
    assert client.get("/staff/cases/00000400/kb-draft").status_code == 403
