"""Turning a solved case into a KB article draft that a KB engineer reviews and publishes."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.kb import service as kb
from portal.models import Article, Case, CaseArticleLink, CaseStatus, User

PRIVACY_REMINDER = (
    "> **Before publishing:** remove the customer's name, organisation, host names, IP "
    "addresses, license keys and anything else that identifies them."
)


def resolution_text(case: Case) -> str:
    """The last public reply from support: usually where the fix was explained."""
    replies = [m for m in case.messages if m.public and m.from_support]
    return replies[-1].body if replies else ""


def prefilled_draft(case: Case) -> dict[str, str]:
    """Article fields prefilled from the problem and its resolution."""
    body = "\n\n".join(
        part
        for part in (
            PRIVACY_REMINDER,
            "## Symptoms\n\n" + case.description.strip(),
            "## Recent changes\n\n" + case.recent_changes.strip() if case.recent_changes else "",
            "## Resolution\n\n" + (resolution_text(case).strip() or "Describe the fix here."),
        )
        if part
    )
    return {
        "title": case.subject,
        "summary": "",
        "product": case.product,
        "versions": case.version,
        "tags": "",
        "body": body,
    }


def draft_article(case: Case, fields: dict[str, str], author: User) -> Article:
    """Save the draft (never published from here) and link it to the case both ways."""
    if not entitlement.can_work_cases(author):
        raise DomainError("Only support staff draft articles from cases.", status=403)
    if case.status not in (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value):
        raise DomainError("Draft an article once the case is resolved.", status=409)
    data = dict(fields) | {"status": "draft"}
    try:
        article, _changed = kb.save_article(
            None, data, author, note=f"Drafted from case {case.number}"
        )
    except DomainError as error:
        raise DomainError({getattr(error, "field", None) or "body": str(error)}) from error
    db.session.add(CaseArticleLink(case=case, article=article, created_by_id=author.id))
    db.session.flush()
    return article


def articles_for_case(case: Case) -> list[Article]:
    return list(
        db.session.scalars(
            select(Article)
            .join(CaseArticleLink, CaseArticleLink.article_id == Article.id)
            .where(CaseArticleLink.case_id == case.id)
            .order_by(Article.id)
        )
    )


def cases_for_article(article: Article) -> list[Case]:
    return list(
        db.session.scalars(
            select(Case)
            .join(CaseArticleLink, CaseArticleLink.case_id == Case.id)
            .where(CaseArticleLink.article_id == article.id)
            .order_by(Case.id)
        )
    )
