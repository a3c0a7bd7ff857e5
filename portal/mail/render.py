"""What mail templates need beyond the site's: times in the recipient's zone, Markdown that
reads right in both parts.

- The text part keeps a person's Markdown source as written: code verbatim, paragraphs and
  line breaks as typed, `<uuid>` as `<uuid>` (text templates are never HTML-escaped).
- The HTML part is the same Markdown rendered and sanitised by `portal.markdown`, with inline
  styles added after sanitising (mail clients drop <style> elements and CSS classes).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup

from portal.dates import shown_in
from portal.markdown import render_markdown

MAIL_TIME = "%a %d %b %Y, %H:%M %Z"

# Inline styles for the sanitised tags that need them to read well in mail clients.
_STYLES = {
    "pre": "margin:0 0 16px; padding:12px; background:#f4f5f7; border:1px solid #dde1e6; "
    "border-radius:4px; overflow-x:auto; white-space:pre-wrap; font-size:14px;",
    "code": "font-family:Consolas, Menlo, 'Courier New', monospace; font-size:14px;",
    "p": "margin:0 0 16px;",
    "blockquote": "margin:0 0 16px; padding-left:12px; border-left:3px solid #dde1e6; "
    "color:#5f6b7a;",
    "table": "border-collapse:collapse; margin:0 0 16px;",
    "td": "border:1px solid #dde1e6; padding:4px 8px;",
    "th": "border:1px solid #dde1e6; padding:4px 8px;",
}
_OPENING = re.compile(r"<(pre|code|p|blockquote|table|td|th)(?=[\s>])")


def zone_of(who: Any) -> ZoneInfo:
    """The time zone of a person (their `timezone`) or of a zone name; UTC when unknown."""
    name = getattr(who, "timezone", who) if who is not None else None
    try:
        return ZoneInfo(str(name or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def in_zone(value: datetime | str | None, who: Any, fmt: str = MAIL_TIME) -> str:
    """A moment (aware datetime or ISO-8601 text) as the recipient reads it, e.g.
    'Tue 24 Nov 2026, 10:00 PST'."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return shown_in(moment, zone_of(who), fmt)


def mail_markdown(text: str | None) -> Markup:
    """Markdown as sanitised HTML with inline styles, for the HTML part of a mail."""
    html = str(render_markdown(text))
    # The styles are fixed strings added to tags nh3 has already cleaned: nothing of the
    # sender's reaches an attribute this way.
    styled = _OPENING.sub(lambda m: f'<{m.group(1)} style="{_STYLES[m.group(1)]}"', html)
    return Markup(styled)  # noqa: S704 - sanitised by render_markdown, styles are constants


def register(env_filters: dict[str, Any]) -> None:
    env_filters["in_zone"] = in_zone
    env_filters["mail_markdown"] = mail_markdown
