"""The one place user and staff Markdown becomes HTML: rendered, then sanitised with nh3.

Everything people write (KB articles, forum posts, case messages, release notes) goes
through `render_markdown`, so the allow-list below is the whole XSS policy. Images load
only from this site: one that points elsewhere is shown as a link (`is_on_site_image`),
and no attribute or tag that could fetch from elsewhere (srcset, style, CSS url(),
<picture>, <video poster>) is allowed at all.
"""

from __future__ import annotations

import html as html_text
import re
from urllib.parse import urlsplit

import markdown
import nh3
from markupsafe import Markup

# Bump when render_markdown's output changes in a way its settings below do not show (the
# stored renderings carry a version derived from this, the settings and the libraries').
RENDERER_REVISION = 3
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
# nh3 writes every attribute value double-quoted with `"` escaped, so this reads any <img>.
_IMG = re.compile(r'<img((?:\s+[\w-]+="[^"]*")*)\s*/?>')
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
OFF_SITE_REL = "nofollow noopener noreferrer"


def is_on_site_image(src: str) -> bool:
    """True for an image address relative to this site (`/static/…`, `diagram.png`).

    Anything with a scheme or a host (`https://…`, `//host/…`), and anything a browser might
    read as one (a backslash, whitespace or control character anywhere), is off the site:
    a staff member's browser would fetch it and tell its owner who read the post, when, and
    from where.
    """
    if not src or any(ch == "\\" or ch.isspace() or not ch.isprintable() for ch in src):
        return False
    if src.startswith("//"):
        return False
    parts = urlsplit(src)
    return not parts.scheme and not parts.netloc


def _off_site_images_as_links(clean: str) -> str:
    """Each image from another site becomes a link to it: nothing is fetched unless the
    reader chooses to follow it."""

    def replace(match: re.Match[str]) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        src = attributes.get("src", "")
        if is_on_site_image(html_text.unescape(src)):
            return match.group(0)
        if not src:
            return ""
        alt = html_text.unescape(attributes.get("alt", "")).strip()
        label = html_text.escape(f"Image: {alt}" if alt else "Image on another site")
        return f'<a href="{src}" rel="{OFF_SITE_REL}" class="off-site-image">{label}</a>'

    return _IMG.sub(replace, clean)


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
    clean = _off_site_images_as_links(clean)
    return Markup(_IMG_WITHOUT_ALT.sub('<img alt=""', clean))  # noqa: S704 - nh3 sanitised it


def plain_text(text: str | None, limit: int = 300) -> str:
    """The words of a Markdown source without markup, for excerpts and mail previews."""
    html = render_markdown(text)
    words = nh3.clean(str(html), tags=set()).split()
    joined = " ".join(words)
    return joined if len(joined) <= limit else joined[: limit - 1].rsplit(" ", 1)[0] + "…"
