"""The documentation page editor's form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField

from portal.forms import CHECKBOX_OFF
from portal.models import DocPage
from portal.products.service import product_names

PAGE_FIELDS = ("slug", "title", "product", "guide", "version", "summary", "order", "body")


def _products() -> list[SelectChoice]:
    return [SelectChoice(name) for name in product_names(include_retired=True)]


class DocPageForm(FlaskForm):
    """A page's fields. The docs service checks them all (the address, the product, a whole
    number for the position, lengths), so maxlength and required are browser hints."""

    title = StringField("Title", render_kw={"required": True, "maxlength": 200})
    slug = StringField(
        "Address (letters, digits, dashes)", render_kw={"required": True, "maxlength": 120}
    )
    product = SelectField("Product", choices=_products, validate_choice=False)
    guide = StringField("Guide", render_kw={"required": True, "maxlength": 120})
    version = StringField("Version", render_kw={"maxlength": 20})
    order = StringField(
        "Position in the guide", default="1", render_kw={"type": "number", "min": 1}
    )
    summary = StringField("Summary", render_kw={"maxlength": 300})
    body = TextAreaField("Text (Markdown)")
    published = BooleanField(
        "Published (readers can see it)", default=True, false_values=CHECKBOX_OFF
    )

    def page_data(self) -> dict[str, object]:
        """What the service's `save_page` reads, as typed."""
        data: dict[str, object] = {name: getattr(self, name).data or "" for name in PAGE_FIELDS}
        return data | {"published": bool(self.published.data)}


def page_values(page: DocPage | None) -> dict[str, object]:
    if page is None:
        return {}
    return {
        "title": page.title,
        "slug": page.slug,
        "product": page.product,
        "guide": page.guide,
        "version": page.version,
        "order": str(page.position),
        "summary": page.summary,
        "body": page.body,
        "published": page.published,
    }
