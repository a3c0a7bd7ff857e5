"""Filing a case: checking what the customer sent, numbering it, and starting its clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text
from werkzeug.datastructures import FileStorage

from portal.accounts import entitlement
from portal.accounts.self_help import filing_refusal
from portal.cases.attachments import save_attachment, uploaded_files
from portal.cases.escalation import escalate, mentions_please_escalate
from portal.cases.timeline import record_event
from portal.domain_error import DomainError
from portal.extensions import db
from portal.mail.notices import case_link
from portal.mail.outbox import queue_mail
from portal.mail.threads import case_subject, thread_root
from portal.models import Case, CaseStatus, Channel, Deflection, Organisation, User
from portal.models.types import utcnow
from portal.offerings.service import current_policy
from portal.policy import Severity, Tier
from portal.products.service import check_version, product_names

FIRST_CASE_NUMBER = 100001
MAX_SUBJECT = 200
MAX_TEXT = 50_000
MAX_VERSION = 40


@dataclass
class CaseDraft:
    """What a customer typed into the filing form or the API, before it is checked."""

    subject: Any = ""
    description: Any = ""
    severity: Any = ""
    product: Any = ""
    version: Any = ""
    recent_changes: Any = ""
    checked: dict[str, str] = field(default_factory=dict)


def check_draft(draft: CaseDraft, products: list[str] | None = None) -> dict[str, str]:
    """Field errors for a draft (empty when it may be filed); fills `draft.checked`."""
    products = products if products is not None else product_names()
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name, limit, required in (
        ("subject", MAX_SUBJECT, True),
        ("description", MAX_TEXT, True),
        ("version", MAX_VERSION, False),
        ("recent_changes", MAX_TEXT, False),
        ("product", 80, True),
        ("severity", 5, True),
    ):
        value = getattr(draft, name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[name] = f"'{name}' must be text."
            continue
        value = value.strip()
        if required and not value:
            errors[name] = _REQUIRED[name]
        elif len(value) > limit:
            errors[name] = f"Keep this under {limit:,} characters (it has {len(value):,})."
        values[name] = value
    if "severity" not in errors:
        try:
            values["severity"] = Severity.parse(values["severity"]).value
        except ValueError:
            errors["severity"] = "Choose a severity from P1 to P5."
    if "product" not in errors and values["product"] not in products:
        errors["product"] = f"Choose one of our products: {', '.join(products)}."
    elif "product" not in errors and "version" not in errors:
        try:
            values["version"] = check_version(values["product"], values["version"])
        except DomainError as error:
            errors["version"] = error.errors["version"]
    draft.checked = values
    return errors


_REQUIRED = {
    "subject": "Give the case a short subject.",
    "description": "Describe the problem: what happened, what you expected, what you tried.",
    "product": "Choose the product the problem is in.",
    "severity": "Choose a severity from P1 to P5.",
}


def next_case_number() -> str:
    """Take the next case number; safe when many filings run at once, on SQLite and PostgreSQL.

    The counter row is created once (ON CONFLICT DO NOTHING lets racing first filings agree),
    then a single UPDATE ... RETURNING takes the row lock and hands out each value once. A
    filing that rolls back leaves a gap, never a repeat.
    """
    db.session.execute(
        text(
            "INSERT INTO case_numbers (id, next_value) VALUES (1, :first) "
            "ON CONFLICT (id) DO NOTHING"
        ),
        {"first": FIRST_CASE_NUMBER},
    )
    value = db.session.execute(
        text(
            "UPDATE case_numbers SET next_value = next_value + 1 WHERE id = 1 RETURNING next_value"
        )
    ).scalar_one()
    return f"{value - 1:08d}"


def filing_organisation(contact: User, organisation_id: int | None) -> Organisation:
    """The organisation to file for: the one chosen, or the contact's only one."""
    organisations = entitlement.filing_organisations(contact)
    if not organisations:
        raise DomainError(filing_refusal(contact), status=403)
    if organisation_id is None:
        if len(organisations) > 1:
            raise DomainError({"organisation": "Choose the organisation this case is for."})
        return organisations[0]
    for organisation in organisations:
        if organisation.id == organisation_id:
            return organisation
    raise DomainError({"organisation": "Choose one of your organisations."})


def file_case(
    contact: User,
    organisation: Organisation,
    draft: CaseDraft,
    *,
    channel: Channel | str = Channel.WEB,
    filed_by: User | None = None,
    attachments: Sequence[FileStorage] = (),
    now: datetime | None = None,
) -> Case:
    """Open a case for ``contact`` in ``organisation`` and queue its acknowledgement mail.

    ``filed_by`` is the staff member who logged a phone case; otherwise the contact filed it.
    ``attachments`` are the files sent with the filing (logs, configuration, crash dumps).
    Raises DomainError: 422 for bad fields, 403 when the contact may not file for that
    organisation. Flushes, never commits.
    """
    now = now or utcnow()
    if organisation not in entitlement.filing_organisations(contact, now.date()):
        raise DomainError(
            f"{contact.name} cannot open cases for {organisation.name}: that needs the Support "
            "Administrator role and a current agreement.",
            status=403,
        )
    errors = check_draft(draft)
    if errors:
        raise DomainError(errors)
    files = uploaded_files(list(attachments))  # an oversized file refuses the whole filing
    values = draft.checked
    agreement = entitlement.active_agreement(organisation, now.date())
    tier = Tier.parse(agreement.tier)
    severity = Severity.parse(values["severity"])
    case = Case(
        number=next_case_number(),
        organisation=organisation,
        contact=contact,
        filed_by=filed_by or contact,
        subject=values["subject"],
        description=values["description"],
        recent_changes=values.get("recent_changes", ""),
        product=values["product"],
        version=values.get("version", ""),
        customer_severity=severity.value,
        severity=severity.value,
        tier=tier.value,
        status=CaseStatus.NEW.value,
        channel=Channel(channel).value,
        filed_at=now,
        updated_at=now,
        response_due_at=current_policy().response_due_at(now, tier, severity),
    )
    db.session.add(case)
    db.session.flush()
    record_event(
        case,
        "filed",
        filed_by or contact,
        {"severity": severity.value, "channel": case.channel},
        now=now,
    )
    # The acknowledgement starts the case's mail thread: its Message-ID is the thread root.
    queue_mail(
        contact.email,
        "cases_acknowledgement",
        subject=case_subject(case),
        thread=case,
        message_id=thread_root(case),
        case=case,
        user=contact,
        case_link=case_link(case),
        severity=severity,
    )
    for upload in files:
        save_attachment(case, upload, filed_by or contact, now=now)
    if mentions_please_escalate(case.subject) or mentions_please_escalate(case.description):
        escalate(case, contact, reason="The customer asked for escalation when filing.", now=now)
    return case


def record_deflection(
    user: User, organisation: Organisation | None, query: str, article_key: str
) -> Deflection:
    """Count a filing that ended because a suggestion answered the question."""
    deflection = Deflection(
        user=user,
        organisation=organisation,
        query=(query or "").strip()[:2000],
        article_key=(article_key or "").strip()[:300] or "unknown",
    )
    db.session.add(deflection)
    db.session.flush()
    return deflection
