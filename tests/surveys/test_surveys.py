from datetime import date

import pytest

from portal.cases.closure import close_case, queue_survey_invitation
from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.models import Job, OutgoingMail, Role
from portal.models.cases import Case
from portal.models.surveys import SurveyAnswer, SurveyInvitation
from portal.surveys import service
from portal.surveys.areas import CASE_AREAS, SEMIANNUAL_AREAS
from tests.conftest import TUESDAY_MORNING, make_case, make_contact, make_organisation, make_user


def all_scores(areas, score="4"):
    return {area.key: score for area in areas}


@pytest.fixture
def gold_p2_case_closed(gold_contact, contoso) -> Case:
    """Contoso's P2 case, filed on TUESDAY_MORNING and closed by its contact that afternoon."""
    case = make_case(
        gold_contact,
        contoso,
        subject="NFS SR lost",
        description="After reboot the SR is detached.",
        version="4.1",
    )
    close_case(case, gold_contact, now=TUESDAY_MORNING.replace(hour=22))
    db.session.commit()
    return case


def test_closing_job_invites_the_contact_once(gold_p2_case_closed):
    queue_survey_invitation(gold_p2_case_closed)  # a second job for the same case, say by hand
    db.session.commit()
    assert db.session.query(Job).filter_by(kind="surveys.invite").count() == 2
    run_pass()
    assert db.session.query(SurveyInvitation).count() == 1
    mail = db.session.query(OutgoingMail).filter_by(template="survey_case").one()
    assert mail.recipient == "admin@gold.example.com" and "/surveys/" in mail.text_body


def test_answering_records_every_area_once(client, gold_p2_case_closed):
    invitation = service.invite_for_case(gold_p2_case_closed.id)
    db.session.commit()
    page = client.get(f"/surveys/{invitation.token}").get_data(as_text=True)
    assert f"case {gold_p2_case_closed.number}" in page and "Knowledgeable assistance" in page
    response = client.post(
        f"/surveys/{invitation.token}",
        data=all_scores(CASE_AREAS) | {"comment": "Quick and clear."},
    )
    assert response.status_code == 302
    assert db.session.query(SurveyAnswer).count() == 7
    again = client.post(f"/surveys/{invitation.token}", data=all_scores(CASE_AREAS, "1"))
    assert "We have your answers" in again.get_data(as_text=True)
    assert {a.score for a in db.session.query(SurveyAnswer)} == {4}


def test_missing_or_bad_scores_save_nothing_and_keep_choices(client, gold_p2_case_closed):
    invitation = service.invite_for_case(gold_p2_case_closed.id)
    db.session.commit()
    form = all_scores(CASE_AREAS) | {"overall": "9", "comment": "kept text"}
    response = client.post(f"/surveys/{invitation.token}", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Overall impression" in html and "kept text" in html
    assert db.session.query(SurveyAnswer).count() == 0


def test_unknown_survey_link_is_404(client):
    assert client.get("/surveys/not-a-token").status_code == 404


def test_semiannual_survey_invites_only_active_customer_contacts(runner, app):
    active = make_organisation("Active Ltd", ends_on=date(2099, 1, 1))
    lapsed = make_organisation("Lapsed Ltd", starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1))
    make_contact(active, email="yes@example.com")
    make_contact(lapsed, email="no@example.com")
    make_user("eval@example.com")
    result = runner.invoke(args=["surveys", "send-semiannual", "--name", "Spring survey"])
    assert result.exit_code == 0, result.output
    assert "1 contact(s) invited" in result.output
    mails = db.session.query(OutgoingMail).filter_by(template="survey_semiannual").all()
    assert [m.recipient for m in mails] == ["yes@example.com"]
    assert "genuine" in mails[0].text_body


def test_invitation_is_listed_on_the_account_page_to_show_it_is_genuine(client, auth, app):
    org = make_organisation("Active Ltd", ends_on=date(2099, 1, 1))
    make_contact(org, email="yes@example.com")
    service.launch_semiannual("Autumn survey", None)
    db.session.commit()
    auth.login("yes@example.com")
    assert "Autumn survey" in client.get("/account/").get_data(as_text=True)


def test_managers_see_results_as_charts_with_tables(client, auth, gold_p2_case_closed):
    invitation = service.invite_for_case(gold_p2_case_closed.id)
    service.record_answers(invitation, all_scores(CASE_AREAS, "5"))
    org = make_organisation("Active Ltd", ends_on=date(2099, 1, 1))
    make_contact(org, email="yes@example.com")
    campaign, _ = service.launch_semiannual("Autumn survey", None)
    semi = db.session.query(SurveyInvitation).filter_by(campaign_id=campaign.id).first()
    service.record_answers(semi, all_scores(SEMIANNUAL_AREAS, "3") | {"comment": "Webinars"})
    db.session.commit()
    make_user("manager@example.com", Role.MANAGER)
    auth.login("manager@example.com")
    html = client.get("/surveys/results").get_data(as_text=True)
    assert "<svg" in html and "5.00" in html and "3.00" in html and "Webinars" in html


def test_results_are_for_managers_only(client, auth):
    make_user("tse@example.com", Role.TSE)
    auth.login("tse@example.com")
    assert client.get("/surveys/results").status_code == 403
    assert client.post("/surveys/results/launch").status_code == 403
