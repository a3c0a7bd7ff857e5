"""Header values from people's text: one line, always, so no mail fails for its header.

A case subject, a vendor's or a survey's name may hold a line break of any kind (CR, LF,
U+2028, U+2029, U+0085, a form feed …) or a lone surrogate from a careless client. In a
header a line break would forge extra headers, and Python's email package refuses all of
them, so a message built from such a value could never be sent and its job would retry
for days. Every header value goes through `header_text` when the mail is queued and again
when it is built.
"""

from __future__ import annotations

MAX_HEADER_CHARS = 900  # under RFC 5322's 998 octets per line, with room for the name


def header_text(value: object, limit: int = MAX_HEADER_CHARS) -> str:
    """`value` as a single-line header value: every run of whitespace and line breaks
    becomes one space, control characters and unpaired surrogates are dropped."""
    text = str(value if value is not None else "")
    # Through UTF-16: a surrogate pair becomes its character, a lone surrogate is dropped.
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    text = " ".join(text.split())
    text = "".join(ch for ch in text if ch.isprintable())
    return text[:limit]
