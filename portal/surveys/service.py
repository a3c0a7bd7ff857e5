"""Inviting people to surveys, recording answers once, and summarising results."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.jobs import handler
from portal.links import public_url
from portal.mail.outbox import queue_mail
from portal.models import ContactRole, Organisation, Role, User
from portal.models.surveys import SurveyAnswer, SurveyCampaign, SurveyInvitation
from portal.models.types import utcnow
from portal.surveys.areas import areas_for

MAX_COMMENT = 4000
INVITE_JOB = "surveys.invite"


def _token() -> str:
    return secrets.token_urlsafe(24)


def _survey_url(invitation: SurveyInvitation) -> str:
    return public_url("surveys.answer", token=invitation.token)


def invite_for_case(case_id: int) -> SurveyInvitation | None:
    """Invite the case's contact once; a case closed again after reopening is not re-surveyed."""
    from portal.models.cases import Case

    case = db.session.get(Case, case_id)
    if case is None:
        return None
    existing = db.session.scalar(
        select(SurveyInvitation).where(SurveyInvitation.case_id == case.id)
    )
    if existing is not None:
        return existing
    invitation = SurveyInvitation(kind="case", token=_token(), user=case.contact, case_id=case.id)
    db.session.add(invitation)
    db.session.flush()
    queue_mail(
        case.contact.email,
        "survey_case",
        subject=f"How did we do on case {case.number}?",
        user=case.contact,
        case=case,
        survey_url=_survey_url(invitation),
    )
    return invitation


@handler(INVITE_JOB)
def send_case_survey(payload: dict, now: datetime) -> None:
    """The job queued when a case closes."""
    invite_for_case(int(payload["case_id"]))


def active_customer_contacts() -> list[User]:
    """Every active customer contact of an organisation whose agreement is in force today."""
    contacts = db.session.scalars(
        select(ContactRole).options(
            selectinload(ContactRole.user),
            selectinload(ContactRole.organisation).selectinload(Organisation.agreements),
        )
    ).all()
    people: dict[int, User] = {}
    for contact in contacts:
        user = contact.user
        if (
            user.active
            and user.role == Role.CUSTOMER.value
            and entitlement.active_agreement(contact.organisation)
        ):
            people[user.id] = user
    return sorted(people.values(), key=lambda u: u.email)


def launch_semiannual(name: str, launched_by: User | None) -> tuple[SurveyCampaign, int]:
    """Invite every active customer contact to the semi-annual survey."""
    name = name.strip() or f"Semi-annual survey {utcnow():%B %Y}"
    campaign = SurveyCampaign(
        name=name[:120], launched_by_id=launched_by.id if launched_by else None
    )
    db.session.add(campaign)
    db.session.flush()
    people = active_customer_contacts()
    for user in people:
        invitation = SurveyInvitation(
            kind="semiannual", token=_token(), user=user, campaign=campaign
        )
        db.session.add(invitation)
        db.session.flush()
        queue_mail(
            user.email,
            "survey_semiannual",
            subject=f"{name}: tell us how we are doing",
            user=user,
            campaign=campaign,
            survey_url=_survey_url(invitation),
        )
    return campaign, len(people)


def find_invitation(token: str) -> SurveyInvitation | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.token == token))


def record_answers(invitation: SurveyInvitation, form: Mapping[str, str]) -> None:
    """Save every area's score (1–5) and the comment, once; nothing is saved if one is missing."""
    if invitation.answered_at is not None:
        raise DomainError("This survey has already been answered. Thank you!", status=409)
    scores: dict[str, int] = {}
    missing = []
    for area in areas_for(invitation.kind):
        raw = (form.get(area.key) or "").strip()
        if raw not in {"1", "2", "3", "4", "5"}:
            missing.append(area.label)
            continue
        scores[area.key] = int(raw)
    if missing:
        raise DomainError("Please give a score for: " + ", ".join(missing) + ".")
    comment = (form.get("comment") or "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(f"Please keep your comments under {MAX_COMMENT} characters.")
    for key, score in scores.items():
        invitation.answers.append(SurveyAnswer(area=key, score=score))
    invitation.comment = comment
    invitation.answered_at = utcnow()
    db.session.flush()


def pending_invitations(user: User) -> list[SurveyInvitation]:
    """Unanswered invitations, listed on the account page so people can check mail is genuine."""
    return list(
        db.session.scalars(
            select(SurveyInvitation)
            .where(SurveyInvitation.user_id == user.id, SurveyInvitation.answered_at.is_(None))
            .order_by(SurveyInvitation.invited_at.desc())
        )
    )


@dataclass(frozen=True)
class Results:
    months: list[str]
    case_by_month: dict[str, list[float | None]]
    case_averages: list[tuple[str, float | None]]
    case_invited: int
    case_answered: int
    campaigns: list[tuple[SurveyCampaign, list[tuple[str, float | None]], int, int, list[str]]]


def results(months: int = 12) -> Results:
    """Averages per area: case surveys by month, semi-annual surveys by campaign."""
    invitations = db.session.scalars(
        select(SurveyInvitation).options(
            selectinload(SurveyInvitation.answers), selectinload(SurveyInvitation.campaign)
        )
    ).all()
    case_surveys = [i for i in invitations if i.kind == "case"]
    answered = [i for i in case_surveys if i.answered_at]
    month_keys = sorted({f"{i.answered_at:%Y-%m}" for i in answered})[-months:]
    sums: dict[tuple[str, str], list[int]] = defaultdict(list)
    totals: dict[str, list[int]] = defaultdict(list)
    for invitation in answered:
        month = f"{invitation.answered_at:%Y-%m}"
        for answer in invitation.answers:
            sums[(answer.area, month)].append(answer.score)
            totals[answer.area].append(answer.score)

    def mean(values: list[int]) -> float | None:
        return round(sum(values) / len(values), 2) if values else None

    case_areas = areas_for("case")
    by_month = {a.label: [mean(sums[(a.key, m)]) for m in month_keys] for a in case_areas}
    averages = [(a.label, mean(totals[a.key])) for a in case_areas]
    campaigns = []
    grouped: dict[int, list[SurveyInvitation]] = defaultdict(list)
    for invitation in invitations:
        if invitation.kind == "semiannual" and invitation.campaign is not None:
            grouped[invitation.campaign_id].append(invitation)
    for members in sorted(grouped.values(), key=lambda m: m[0].campaign.launched_at, reverse=True):
        scores: dict[str, list[int]] = defaultdict(list)
        for invitation in members:
            for answer in invitation.answers:
                scores[answer.area].append(answer.score)
        done = [i for i in members if i.answered_at]
        comments = [i.comment for i in done if i.comment][:20]
        campaigns.append(
            (
                members[0].campaign,
                [(a.label, mean(scores[a.key])) for a in areas_for("semiannual")],
                len(members),
                len(done),
                comments,
            )
        )
    return Results(month_keys, by_month, averages, len(case_surveys), len(answered), campaigns)
