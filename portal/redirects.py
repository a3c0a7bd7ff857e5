"""Where a `next=` parameter may send people: only to a path on this site.

Browsers forgive a great deal in a URL: they drop tabs and line breaks anywhere, strip
leading spaces and control characters, read a backslash as a slash, and take `//host`,
`/\\host`, `https:host` or `user@host` as another site. Rather than enumerate the tricks,
a target is accepted only when it is plainly a path: it starts with one "/" followed by
something other than "/" or "\\", and holds no backslash, control character or whitespace
at all. Anything else falls back to the default page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_TARGET = 2000
_SAFE_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*\Z")


def is_same_site_path(target: str | None) -> bool:
    """True only for a path on this site such as `/cases/?page=2`."""
    if not isinstance(target, str) or len(target) > MAX_TARGET:
        return False
    if not _SAFE_PATH.match(target):
        return False
    # Unicode whitespace and separators (U+2028, U+3000 …) are refused too; \s covers them.
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def same_site_or(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, otherwise `default`."""
    return target if is_same_site_path(target) else default
