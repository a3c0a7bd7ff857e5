"""The one place user and staff Markdown becomes HTML: rendered, then sanitised with nh3.

Everything people write (KB articles, forum posts, case messages, release notes) goes
through `render_markdown`, so the allow-list below is the whole XSS policy.
"""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup

# Bump when render_markdown's output changes in a way its settings below do not show (the
# stored renderings carry a version derived from this, the settings and the libraries').
RENDERER_REVISION = 1
# pymdownx.superfences instead of Python-Markdown's fenced_code: fenced_code only sees fences
# at the left margin, so a code block inside a numbered step came out as inline code.
EXTENSIONS = ["pymdownx.superfences", "tables", "sane_lists", "codehilite", "nl2br"]
EXTENSION_CONFIGS = {
    # Pygments marks tokens with CSS classes (static/highlight.css), never inline styles.
    "codehilite": {"guess_lang": False, "css_class": "highlight", "noclasses": False},
    # Column alignment as the `align` attribute: nh3 strips every `style` attribute.
    "tables": {"use_align_attribute": True},
}

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "pre": {"class"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_SOURCE = 200_000
# nh3 serialises tags as `<img src="…">`; one without alt text gets an empty one, so screen
# readers skip it instead of reading out its address.
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")


def render_markdown(text: str | None) -> Markup:
    """Safe HTML for a Markdown source; raw HTML in the source is escaped or stripped."""
    source = (text or "")[:MAX_SOURCE]
    html = markdown.markdown(
        source, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return Markup(_IMG_WITHOUT_ALT.sub('<img alt=""', clean))  # noqa: S704 - nh3 sanitised it


def plain_text(text: str | None, limit: int = 300) -> str:
    """The words of a Markdown source without markup, for excerpts and mail previews."""
    html = render_markdown(text)
    words = nh3.clean(str(html), tags=set()).split()
    joined = " ".join(words)
    return joined if len(joined) <= limit else joined[: limit - 1].rsplit(" ", 1)[0] + "…"
