"""Staff forms off the case page: a case taken on the Gold support line, and one's own staff
profile. (The case page's tools are in `cases/forms.py`; the KB draft from a case is the
KB's own article form.) Filing and the profile service check the values."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from portal.cases.filing import MAX_SUBJECT, MAX_VERSION, CaseDraft
from portal.cases.forms import DRAFT_FIELDS
from portal.policy import Severity
from portal.products.service import product_names


def _products() -> list[SelectChoice]:
    return [SelectChoice(name) for name in product_names(include_retired=True)]


class PhoneCaseForm(FlaskForm):
    # The choices are the Support Administrators of Gold organisations, set by the view.
    contact = SelectField("Caller", validate_choice=False, render_kw={"required": True})
    product = SelectField("Product", choices=_products, validate_choice=False)
    version = StringField("Version", render_kw={"maxlength": MAX_VERSION})
    severity = SelectField(
        "Severity",
        choices=[SelectChoice(s.value, f"{s.value} {s.label}") for s in Severity],
        validate_choice=False,
    )
    subject = StringField("Subject", render_kw={"maxlength": MAX_SUBJECT, "required": True})
    description = TextAreaField("What the caller describes", render_kw={"required": True})
    recent_changes = TextAreaField("Recent changes they mention")

    def draft(self) -> CaseDraft:
        """What was typed, for `filing.file_case` to check."""
        return CaseDraft(**{name: getattr(self, name).data or "" for name in DRAFT_FIELDS})


class StaffProfileForm(FlaskForm):
    team = StringField("Team", render_kw={"maxlength": 80})
    skills = TextAreaField("Skills, separated by commas")


class CannedReplyForm(FlaskForm):
    """A manager's canned reply; `portal.cases.canned` checks the values and placeholders."""

    team = StringField(
        "Team",
        description="The team on engineers' staff profiles; leave empty to offer it to every team.",
        render_kw={"maxlength": 80, "list": "known-teams"},
    )
    title = StringField("Title", render_kw={"maxlength": 120, "required": True})
    body = TextAreaField("Text (Markdown)", render_kw={"required": True})

    def reply_data(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in ("team", "title", "body")}
