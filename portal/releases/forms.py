"""The release editor's form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField

from portal.forms import CHECKBOX_OFF
from portal.models import Release, ReleaseKind
from portal.products.service import product_names

RELEASE_FIELDS = ("product", "version", "kind", "notes", "fixes", "released_on")


def _products() -> list[SelectChoice]:
    return [SelectChoice(name) for name in product_names(include_retired=True)]


class ReleaseForm(FlaskForm):
    """A release's fields; the releases service checks the version, kind, date and bug list."""

    product = SelectField("Product", choices=_products, validate_choice=False)
    version = StringField("Version", render_kw={"required": True, "maxlength": 40})
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(kind.value, kind.label) for kind in ReleaseKind],
        validate_choice=False,
    )
    released_on = StringField("Release date", render_kw={"type": "date"})
    fixes = TextAreaField(
        "Bugs fixed",
        description=(
            "One per line, the bug tracking number and its title: “CA-10231: NFS storage "
            "repositories stay detached after a host reboot”. The release notes list each with "
            "its title."
        ),
    )
    notes = TextAreaField("Release notes (Markdown)")
    production = BooleanField(
        "Production release",
        false_values=CHECKBOX_OFF,
        description=(
            "Marking a release as production tells every customer whose case waits for one of "
            "its fixes, and moves their case on for them to confirm."
        ),
    )

    def release_data(self) -> dict[str, object]:
        """What the service's `save_release` reads, as typed."""
        data: dict[str, object] = {name: getattr(self, name).data or "" for name in RELEASE_FIELDS}
        return data | {"production": bool(self.production.data)}


def release_values(release: Release | None) -> dict[str, object]:
    if release is None:
        return {}
    return {
        "product": release.product,
        "version": release.version,
        "kind": release.kind,
        "released_on": release.released_on.isoformat(),
        "fixes": "\n".join(
            f"{bug}: {title}" if title else bug for bug, title in release.fixed_bugs
        ),
        "notes": release.notes,
        "production": release.production,
    }
