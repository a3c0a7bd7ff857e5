"""Turning what people type into a Whoosh query, without Whoosh's query language.

Customers paste error messages and write questions; quotes, colons, `*` or `AND` must not
change the meaning or raise a parse error. So the text is run through the index's own
analyser and the query is built from the resulting terms: every term may match in any
field (weighted by `FIELD_BOOSTS`), each two neighbouring terms may match as a phrase (the
`pairs` field), the whole query may be a document's title (the `whole_title` field), and
documents matching more of the terms score higher. Every term counts:
`scoring.rank` skips the work that cannot change the top of the ranking instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.query import And, Every, Query, Term
from whoosh.searching import Searcher

from portal.search.schema import (
    ANALYZER,
    PAIR_FIELD,
    TERM_FIELDS,
    WHOLE_TITLE_FIELD,
    WORDS,
    pair_terms,
    whole_term,
)
from portal.search.scoring import Clause

MAX_QUERY_CHARS = 300
MAX_TERMS = 24


def clean_query(text: str | None) -> str:
    """The query as shown back to the user: trimmed, single-spaced, capped in length."""
    return " ".join((text or "").split())[:MAX_QUERY_CHARS]


def terms(text: str) -> list[str]:
    """The distinct index terms (stemmed, no stop words) of a text, in order."""
    seen: dict[str, None] = {}
    for token in ANALYZER(text[:MAX_QUERY_CHARS]):
        seen.setdefault(token.text, None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def words(text: str) -> list[str]:
    """The meaningful words of a text as typed (lower-cased, unstemmed)."""
    return [token.text for token in WORDS(text[:MAX_QUERY_CHARS])]


def clauses(term_list: list[str], searcher: Searcher | None = None) -> list[Clause]:
    """The (field, term) pairs a query ORs together, each weighted by `FIELD_BOOSTS`.

    Every term in every text field, each two neighbouring terms as a phrase, and the whole
    query as a title (`schema.WHOLE_TITLE_FIELD`). With a
    searcher, pairs the index does not hold at all are left out.
    """
    pairs = [(field, term) for term in term_list for field in TERM_FIELDS]
    pairs += [(PAIR_FIELD, pair) for pair in pair_terms(term_list)]
    if term_list:
        pairs.append((WHOLE_TITLE_FIELD, whole_term(term_list)))
    if searcher is None:
        return pairs
    return [pair for pair in pairs if searcher.doc_frequency(*pair)]


@dataclass(frozen=True)
class Filters:
    product: str | None = None
    tag: str | None = None
    type: str | None = None

    def query(self) -> Query | None:
        parts: list[Query] = []
        if self.product:
            parts.append(Term("product", self.product))
        if self.tag:
            parts.append(Term("tag", self.tag.strip().lower()))
        if self.type:
            parts.append(Term("type", self.type))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(parts)

    @property
    def active(self) -> bool:
        return bool(self.product or self.tag or self.type)


def browse_query() -> Query:
    return Every()
