"""The article editor's form, and the draft staff write from a resolved case."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from portal.models import Article
from portal.products.service import product_names

# Fields the KB service checks (clean_fields): the form only carries them to it.
ARTICLE_FIELDS = ("title", "slug", "product", "versions", "tags", "summary", "body")


def _products() -> list[SelectChoice]:
    return [SelectChoice("", "Not product-specific")] + [
        SelectChoice(name) for name in product_names(include_retired=True)
    ]


class ArticleForm(FlaskForm):
    """An article's fields; required title, the address, lengths and products are the
    service's rules, so the maxlength and required here are hints for the browser."""

    title = StringField("Title", render_kw={"required": True, "maxlength": 200})
    slug = StringField(
        "Address (lower-case letters, digits, dashes; empty: from the title)",
        render_kw={"maxlength": 120},
    )
    product = SelectField("Product", choices=_products, validate_choice=False)
    versions = StringField("Versions (comma-separated)", render_kw={"maxlength": 400})
    tags = StringField("Tags (comma-separated)", render_kw={"maxlength": 600})
    summary = StringField("One-line summary", render_kw={"maxlength": 500})
    body = TextAreaField("Text (Markdown)")

    def article_data(self) -> dict[str, str]:
        """What the service's `clean_fields` reads, as typed."""
        return {name: getattr(self, name).data or "" for name in ARTICLE_FIELDS}


class ArticleEditForm(ArticleForm):
    note = StringField(
        "What changed (kept in the history)",
        validators=[Length(max=300)],
        render_kw={"maxlength": 300},
    )
    # The search gap (kb/gaps.py) a new article is written for; saving it closes the gap.
    gap = HiddenField(validators=[Length(max=500)])


def article_values(article: Article | None) -> dict[str, str]:
    """An article's fields as the editor shows them (lists comma-separated)."""
    if article is None:
        return {}
    return {
        "title": article.title,
        "slug": article.slug,
        "product": article.product or "",
        "versions": ", ".join(article.versions or ()),
        "tags": ", ".join(article.tags or ()),
        "summary": article.summary or "",
        "body": article.body or "",
    }
