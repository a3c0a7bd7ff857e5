"""Highlighted excerpts: the window of an article's opening text with the most query terms.

Whoosh's highlighter re-analyses the whole stored text for every hit; this does one regex
pass and looks each word's stem up in a cache, which keeps a page of ten excerpts well under
a millisecond. The output is escaped text with matches in <mark>.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from portal.search.schema import ANALYZER

WORD = re.compile(r"\w+(?:\.\w+)*")
WINDOW_WORDS = 32


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    tokens = [token.text for token in ANALYZER(word)]
    return tokens[0] if tokens else ""


def highlight(text: str, terms: frozenset[str], window: int = WINDOW_WORDS) -> Markup | None:
    """The best window of `text` with matching words marked; None if nothing matches."""
    if not text or not terms:
        return None
    words = list(WORD.finditer(text))
    hits = [i for i, match in enumerate(words) if stem(match.group().lower()) in terms]
    if not hits:
        return None
    stems = [stem(words[h].group().lower()) for h in hits]
    best_start, best_score, right = hits[0], -1, 0
    for left, first in enumerate(hits):
        right = max(right, left)
        while right + 1 < len(hits) and hits[right + 1] < first + window:
            right += 1
        score = len(set(stems[left : right + 1])) * 10 + (right - left + 1)
        if score > best_score:
            best_start, best_score = first, score
    start = max(0, best_start - 6)
    end = min(len(words), start + window)
    begin_char = words[start].start()
    end_char = words[end - 1].end()
    marked = set(hits)
    parts: list[str] = ["… " if begin_char > 0 else ""]
    cursor = begin_char
    for i in range(start, end):
        match = words[i]
        parts.append(str(escape(text[cursor : match.start()])))
        if i in marked:
            parts.append(f"<mark>{escape(match.group())}</mark>")
        else:
            parts.append(str(escape(match.group())))
        cursor = match.end()
    parts.append(str(escape(text[cursor:end_char])))
    if end_char < len(text):
        parts.append(" …")
    return Markup("".join(parts))
