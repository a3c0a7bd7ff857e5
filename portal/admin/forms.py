"""The administration pages' forms: organisations and their agreements and contacts, people,
the SLA table and the partner directory. The admin and accounts services check the values
(dates, tiers, roles, the administrator's own access); these forms carry them."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from portal.admin.policy_form import TARGET_KIND_LABELS
from portal.forms import CHECKBOX_OFF
from portal.models import ContactKind, Partner, Role, User
from portal.models.partners import PARTNER_KINDS, REGIONS
from portal.policy import Severity, SupportPolicy, Tier

TIERS = [SelectChoice("base", "Base"), SelectChoice("gold", "Gold")]
DATE = {"type": "date", "required": True}


class AgreementForm(FlaskForm):
    tier = SelectField("Tier", choices=TIERS, validate_choice=False)
    starts_on = StringField("Starts", render_kw=DATE)
    ends_on = StringField("Ends", render_kw=DATE)


class OrganisationForm(AgreementForm):
    name = StringField("Name", render_kw={"required": True, "maxlength": 200})
    starts_on = StringField("Agreement starts", render_kw=DATE)
    ends_on = StringField("Agreement ends", render_kw=DATE)


class ContactForm(FlaskForm):
    email = StringField(
        "Email of an existing account", render_kw={"type": "email", "required": True}
    )
    kind = SelectField(
        "Contact role",
        choices=[SelectChoice(kind.value, kind.label) for kind in ContactKind],
        validate_choice=False,
    )


class UserForm(FlaskForm):
    role = SelectField(
        "Role", choices=[SelectChoice(r.value, r.label) for r in Role], validate_choice=False
    )
    active = BooleanField("May log in", false_values=CHECKBOX_OFF)

    @classmethod
    def for_user(cls, person: User) -> UserForm:
        return cls(data={"role": person.role, "active": person.active})


class PartnerForm(FlaskForm):
    name = StringField("Name", render_kw={"required": True, "maxlength": 200})
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(k, label) for k, label in PARTNER_KINDS.items()],
        validate_choice=False,
    )
    region = SelectField(
        "Region", choices=[SelectChoice(r) for r in REGIONS], validate_choice=False
    )
    country = StringField("Country", render_kw={"maxlength": 80})
    city = StringField("City", render_kw={"maxlength": 80})
    website = StringField("Website", render_kw={"type": "url", "maxlength": 300})
    email = StringField("Email", id="p-email", render_kw={"type": "email", "maxlength": 254})
    phone = StringField("Phone", render_kw={"maxlength": 40})
    description = TextAreaField("What they offer", render_kw={"maxlength": 2000})

    FIELDS = ("name", "kind", "region", "country", "city", "website", "email", "phone")

    @classmethod
    def for_partner(cls, partner: Partner | None) -> PartnerForm:
        if partner is None:
            return cls()
        names = (*cls.FIELDS, "description")
        return cls(data={name: getattr(partner, name) or "" for name in names})

    def partner_data(self) -> dict[str, str]:
        """What the service's `save_partner` reads, as typed."""
        return {name: getattr(self, name).data or "" for name in (*self.FIELDS, "description")}


# The SLA table: one nested form per tier, holding its hours and a target per severity, so
# each input keeps the name the policy parser reads ("gold-opens", "gold-P1-amount").
class TargetForm(Form):
    amount = StringField("Amount", render_kw={"type": "number", "min": 0, "max": 1000})
    kind = SelectField(
        "Unit",
        choices=[SelectChoice(value, label) for value, label in TARGET_KIND_LABELS.items()],
        validate_choice=False,
    )


class HoursForm(Form):
    opens = StringField("Opens", render_kw={"type": "time", "required": True})
    # Not type=time: a closing time may be 24:00, which the browser's time input refuses.
    closes = StringField("Closes", render_kw={"required": True})
    holidays = TextAreaField("Holidays, one date per line (YYYY-MM-DD)")


TierForm = type(
    "TierForm", (HoursForm,), {str(severity): FormField(TargetForm) for severity in Severity}
)


class SlaForm(FlaskForm):
    note = StringField("Why the change (kept in the history)", render_kw={"maxlength": 300})

    @classmethod
    def for_policy(cls, policy: SupportPolicy) -> SlaForm:
        data: dict[str, Any] = {}
        for tier in Tier:
            hours = policy.hours_for(tier).to_dict()
            data[str(tier)] = {
                "opens": hours["opens"],
                "closes": hours["closes"],
                "holidays": "\n".join(hours["holidays"]),
            } | {
                str(severity): {
                    "amount": str(policy.target_for(tier, severity).amount),
                    "kind": policy.target_for(tier, severity).kind,
                }
                for severity in Severity
            }
        return cls(data=data)


for _tier in Tier:
    setattr(SlaForm, str(_tier), FormField(TierForm))
