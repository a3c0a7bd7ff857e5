"""The administrators' product and version forms; `products.service` checks the values."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from portal.forms import CHECKBOX_OFF
from portal.models import ProductVersion

DATE = {"type": "date"}


class ProductForm(FlaskForm):
    name = StringField("Product name", render_kw={"required": True, "maxlength": 80})


class VersionForm(FlaskForm):
    version = StringField(
        "Version", render_kw={"required": True, "maxlength": 40, "placeholder": "5.0.1"}
    )
    released_on = StringField("Released on", render_kw=DATE)
    end_of_support_on = StringField("Support ends", render_kw=DATE)
    is_released = BooleanField(
        "Released: offered on the case form", false_values=CHECKBOX_OFF, default=True
    )

    @classmethod
    def for_version(cls, version: ProductVersion | None) -> VersionForm:
        if version is None:
            return cls(formdata=None)
        return cls(
            formdata=None,
            data={
                "version": version.version,
                "released_on": version.released_on.isoformat() if version.released_on else "",
                "end_of_support_on": version.end_of_support_on.isoformat()
                if version.end_of_support_on
                else "",
                "is_released": version.is_released,
            },
        )

    def version_data(self) -> dict[str, object]:
        return {
            "version": self.version.data or "",
            "released_on": self.released_on.data or "",
            "end_of_support_on": self.end_of_support_on.data or "",
            "is_released": bool(self.is_released.data),
        }
