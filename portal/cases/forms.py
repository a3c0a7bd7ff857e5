"""The forms of a case: filing it, the customer's message and files on its page, and the
staff tools there (reply, note, take, assign, severity, status, bug, third party, action
plan, escalate, de-escalate).

The staff forms live with the case operations rather than in `staff/` because the case page
(a `cases` view) renders them, and `cases` never imports `staff`. The operations (`filing`,
`triage`, `conversation`, `escalation`, `attachments`) check every value (required fields,
lengths, severities, products, reasons, bug numbers, owners, dates), so these forms only
carry them; required and maxlength are hints for the browser.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from portal.cases.filing import MAX_SUBJECT, CaseDraft
from portal.forms import CHECKBOX_OFF
from portal.policy import Severity
from portal.products.service import product_names, released_versions_by_product

REASON = {"maxlength": 1000}
REQUIRED_REASON = {"maxlength": 1000, "required": True}
DRAFT_FIELDS = ("subject", "description", "severity", "product", "version", "recent_changes")


def _products() -> list[SelectChoice]:
    return [SelectChoice("", "Choose a product")] + [SelectChoice(name) for name in product_names()]


def version_groups(product: str) -> list[tuple[str, list[str]]]:
    """The version select's options: the chosen product's released versions, or before a
    product is chosen every product's, grouped by product (so the form works without
    JavaScript; the filing service checks that the pair is a released version)."""
    offered = released_versions_by_product()
    if product in offered:
        return [("", offered[product])]
    return [(name, versions) for name, versions in offered.items() if versions]


class CaseForm(FlaskForm):
    """Filing a case. The names are part of the contract (scripts file cases with them)."""

    # Shown only to contacts of several organisations; the choices are theirs.
    organisation = SelectField("Organisation", validate_choice=False)
    subject = StringField("Subject", render_kw={"maxlength": MAX_SUBJECT, "required": True})
    description = TextAreaField(
        "Description",
        description=(
            "What happened, what you expected instead, error messages word for word, and "
            "what you have tried."
        ),
        render_kw={"required": True},
    )
    product = SelectField(
        "Product", choices=_products, validate_choice=False, render_kw={"required": True}
    )
    # Its options follow the product (`version_groups`); HTMX swaps them when it changes.
    version = SelectField("Version", validate_choice=False)
    severity = RadioField(
        "Severity",
        choices=[SelectChoice(s.value, f"{s.value} {s.label}") for s in Severity],
        validate_choice=False,
    )
    recent_changes = TextAreaField(
        "Recent changes",
        description="Anything that changed before the problem began, even if it seems unrelated.",
    )
    attachments = MultipleFileField("Attachments")

    def draft(self) -> CaseDraft:
        """What the customer typed, for `filing.file_case` to check."""
        return CaseDraft(**{name: getattr(self, name).data or "" for name in DRAFT_FIELDS})


class CaseMessageForm(FlaskForm):
    """The customer's message on their case page."""

    body = TextAreaField(
        "Add a message",
        id="reply-body",
        description='Markdown works. Writing "please escalate" asks a support manager to step in.',
    )


class CaseUploadForm(FlaskForm):
    """More files for an open case; the per-file limit is shown with the field."""

    attachments = MultipleFileField("Add files", id="upload-files")


class StaffReplyForm(FlaskForm):
    body = TextAreaField(
        "Public reply (Markdown; the customer is mailed)",
        id="staff-reply",
        render_kw={"required": True},
    )
    # The team's canned replies and the statuses allowed after a reply, set with the page.
    canned = SelectField("Canned reply", id="staff-canned", validate_choice=False)
    then_status = SelectField("Then set the status", id="staff-reply-status", validate_choice=False)


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add an internal note (staff only, never shown to the customer)",
        id="staff-note",
        render_kw={"required": True},
    )


class TakeForm(FlaskForm):
    """Taking an unowned case: the button and its token."""


class AssignForm(FlaskForm):
    # The choices are the support staff, set where the page is put together.
    owner = SelectField("Owner", id="staff-owner", validate_choice=False)
    reason = StringField(
        "Reason (the customer sees it)", id="staff-assign-reason", render_kw=REASON
    )


class SeverityForm(FlaskForm):
    severity = SelectField(
        "Severity",
        id="staff-severity",
        choices=[SelectChoice(s.value, f"{s.value} {s.label}") for s in Severity],
        validate_choice=False,
    )
    reason = StringField(
        "Reason (the customer sees it)", id="staff-severity-reason", render_kw=REASON
    )


class StatusForm(FlaskForm):
    # The choices are the statuses the transitions table allows next, set with the page.
    status = SelectField("Move to", id="staff-status", validate_choice=False)
    reason = StringField(
        "Note for the customer (required to close: say how the customer agreed)",
        id="staff-status-reason",
        render_kw=REASON,
    )


class BugForm(FlaskForm):
    bug_id = StringField(
        "Bug tracking number",
        id="staff-bug",
        render_kw={"maxlength": 40, "placeholder": "CA-12345"},
    )


class ThirdPartyForm(FlaskForm):
    third_party = BooleanField(
        "The problem lies in another vendor's hardware or software",
        id="staff-third-party",
        false_values=CHECKBOX_OFF,
    )
    third_party_vendor = StringField(
        "Which vendor", id="staff-vendor", render_kw={"maxlength": 120}
    )


class ActionPlanForm(FlaskForm):
    body = TextAreaField(
        "Action plan (the customer reads it on the case)",
        id="staff-plan",
        render_kw={"required": True},
    )
    due_date = StringField(
        "Done by (date)", id="staff-plan-date", render_kw={"type": "date", "required": True}
    )
    due_time = StringField(
        "Time, in your zone", id="staff-plan-time", default="17:00", render_kw={"type": "time"}
    )


class EscalateForm(FlaskForm):
    reason = StringField(
        "Escalate for the customer (for example, they asked by phone); the customer sees why",
        id="staff-escalate",
        render_kw=REQUIRED_REASON,
    )


class DeescalateForm(FlaskForm):
    reason = StringField(
        "Why the escalation can end (the customer sees it)",
        id="staff-deescalate",
        render_kw=REQUIRED_REASON,
    )


# Each staff action on a case page, by the name in its address (/staff/cases/<number>/<action>).
STAFF_FORMS: dict[str, type[FlaskForm]] = {
    "reply": StaffReplyForm,
    "note": NoteForm,
    "take": TakeForm,
    "assign": AssignForm,
    "severity": SeverityForm,
    "status": StatusForm,
    "bug": BugForm,
    "third_party": ThirdPartyForm,
    "action_plan": ActionPlanForm,
    "escalate": EscalateForm,
    "deescalate": DeescalateForm,
}
