"""Turning what people type into a Whoosh query, without Whoosh's query language.

Customers paste error messages and write questions; quotes, colons, `*` or `AND` must not
change the meaning or raise a parse error. So the text is run through the index's own
analyser and the query is built from the resulting terms: every term may match in any
field (weighted by `FIELD_BOOSTS`), and documents matching more of the terms score higher.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.query import And, Every, Query, Term
from whoosh.searching import Searcher

from portal.search.schema import ANALYZER, FIELD_BOOSTS, WORDS
from portal.search.scoring import Clause

MAX_QUERY_CHARS = 300
MAX_TERMS = 24
POSTINGS_BUDGET = 0.6


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

    With a searcher, clauses are also chosen by cost. Reading posting lists is nearly all of
    a query's time, and the longest lists belong to words found in many documents (think
    "xenserver" in this knowledge base), which say least about relevance. So clauses are
    taken rarest first until their lists would hold more than `POSTINGS_BUDGET` times the
    documents in the index; after that only title clauses are added. Every term therefore
    still counts in titles, and the rarest terms count everywhere. Pairs the index does not
    hold at all are left out.
    """
    pairs = [(field, term) for term in term_list for field in FIELD_BOOSTS]
    if searcher is None:
        return pairs
    frequency = {pair: searcher.doc_frequency(*pair) for pair in pairs}
    if len(term_list) < 2:
        return [pair for pair in pairs if frequency[pair]]
    budget = searcher.doc_count_all() * POSTINGS_BUDGET
    spent, chosen = 0, []
    for pair in sorted((p for p in pairs if frequency[p]), key=frequency.__getitem__):
        spent += frequency[pair]
        if not chosen or spent <= budget or pair[0] == "title":
            chosen.append(pair)
    return chosen


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
