"""BM25F ranking of an OR of (field, term) clauses, computed one posting list at a time.

Whoosh's own matchers walk the union of the posting lists a document at a time, through
several Python calls per posting: tens of milliseconds for an ordinary question on a
10,000-article index. Under a flat OR a document's score is simply the sum of its clauses'
BM25F terms, so this module computes the same numbers (Whoosh's formula, idf and average
field lengths) a list at a time instead:

- a clause's posting list is decoded block by block into each document's contribution,
  boost × idf × tf·(K1+1) / (tf + K1·(1 − B + B·length / average length)), leaving out
  deleted documents;
- the contributions are summed per document in a dict, the longest list first
  (`dict(zip())` runs in C); the dict's size is the exact number of matching documents;
- the top of the ranking is cut with `heapq.nlargest`; equal scores are ordered by the
  documents' ids ("article:slug"), so a rebuilt index ranks exactly as the old one did.

Decoded lists live as long as the searcher (`Postings`), up to `MAX_CACHED_POSTINGS`, so the
words that most questions share are read from disk once per index version.

Posting blocks and field lengths are read through a few private attributes of the W3 codec
of whoosh-reloaded (pinned in pyproject.toml); tests/kb/test_kb_scoring.py compares the
scores with Whoosh's own, so an upgrade that changed the format would fail there first.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from math import isclose
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import Query
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from portal.search.schema import FIELD_BOOSTS

K1 = 1.2  # Whoosh's BM25F defaults
B = 0.75
MAX_CACHED_POSTINGS = 2_000_000  # 12 bytes each: about 24 MB per open index at most
ENTRY_OVERHEAD = 32  # each cached list also costs about as much as 32 postings
MAX_CACHED_FILTERS = 64
MAX_TIE_LOOKUPS = 200  # larger groups of equal scores fall back to index order
MAX_CACHED_LENGTHS = 512  # (segment, field) length tables: one byte per document each

Clause = tuple[str, str]  # (field, term)


class Postings:
    """Decoded clause contributions and filter sets for one searcher's view of the index."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._leaves = list(searcher.reader().leaf_readers())
        self._lists: OrderedDict[Clause, tuple[array, array]] = OrderedDict()
        self._cached = 0
        self._norms: dict[str, list[float]] = {}
        self._filters: OrderedDict[Hashable, frozenset[int]] = OrderedDict()

    def tie_key(self, docnum: int) -> str:
        """A document's stable identity ("article:slug"), for ordering equal scores."""
        return self.searcher.stored_fields(docnum).get("uid", "")

    def __len__(self) -> int:
        """How many clauses' lists are cached."""
        return len(self._lists)

    @property
    def cached_cost(self) -> int:
        return self._cached

    def contributions(self, clause: Clause) -> tuple[array, array]:
        """Document numbers and their score contributions for one clause."""
        found = self._lists.get(clause)
        if found is not None:
            self._lists.move_to_end(clause)
            return found
        found = self._decode(*clause)
        if not found[0]:
            return found  # a word the index lacks: nothing to keep, whatever people type
        self._lists[clause] = found
        self._cached += _cost(found)
        while self._cached > MAX_CACHED_POSTINGS:
            _, dropped = self._lists.popitem(last=False)
            self._cached -= _cost(dropped)
        return found

    def matching(self, key: Hashable, query: Query) -> frozenset[int]:
        """The (undeleted) documents a filter query matches, remembered by `key`."""
        found = self._filters.get(key)
        if found is None:
            found = self._filters[key] = frozenset(self.searcher.docs_for_query(query))
            while len(self._filters) > MAX_CACHED_FILTERS:
                self._filters.popitem(last=False)
        else:
            self._filters.move_to_end(key)
        return found

    def _norm_table(self, field: str) -> list[float]:
        """K1·(1 − B + B·length / average) for each of the 256 stored length bytes."""
        table = self._norms.get(field)
        if table is None:
            average = self.searcher.avg_field_length(field) or 1
            table = [K1 * ((1 - B) + B * byte_to_length(b) / average) for b in range(256)]
            self._norms[field] = table
        return table

    def _decode(self, field: str, term: str) -> tuple[array, array]:
        ids_out, values_out = array("i"), array("d")
        if not self.searcher.doc_frequency(field, term):
            return ids_out, values_out
        scale = FIELD_BOOSTS[field] * self.searcher.idf(field, term) * (K1 + 1)
        norm = self._norm_table(field)
        for segment, offset in self._leaves:
            if (field, term) not in segment:
                continue
            lengths = length_bytes(segment, field)
            deleted = segment.deleted_docs_set if segment.has_deletions() else frozenset()
            for ids, weights in _blocks(segment, field, term):
                if deleted:
                    kept = [(d, w) for d, w in zip(ids, weights, strict=True) if d not in deleted]
                    ids, weights = [d for d, _ in kept], [w for _, w in kept]
                values_out.extend(
                    [scale * w / (w + norm[lengths[d]]) for d, w in zip(ids, weights, strict=True)]
                )
                ids_out.extend([d + offset for d in ids] if offset else ids)
        return ids_out, values_out


def _cost(entry: tuple[array, array]) -> int:
    """An entry's weight against the cap: its postings, plus the cache slot itself."""
    return len(entry[0]) + ENTRY_OVERHEAD


_lengths: OrderedDict[tuple[str, int, str], bytes] = OrderedDict()
_lengths_lock = threading.Lock()


def length_bytes(segment: IndexReader, field: str) -> bytes:
    """Every document's stored length byte for `field` in one segment.

    Segments never change once written, so this is kept across searchers (by segment id):
    after a publish, the new searcher reads only the new segment's lengths.
    """
    key = (segment.segment().segment_id(), segment.doc_count_all(), field)
    with _lengths_lock:
        found = _lengths.get(key)
        if found is not None:
            _lengths.move_to_end(key)
            return found
    column = segment._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if column is None:
        found = b""
    elif hasattr(column, "_dbfile") and getattr(column, "_fixedlen", None) == 1:
        found = bytes(column._dbfile.get(column._basepos, column._count))  # one read
    else:
        found = bytes(column.load())
    found = found.ljust(segment.doc_count_all(), b"\0")
    with _lengths_lock:
        _lengths[key] = found
        while len(_lengths) > MAX_CACHED_LENGTHS:
            _lengths.popitem(last=False)
    return found


def _blocks(segment: IndexReader, field: str, term: str) -> Iterator[tuple[Iterable, Iterable]]:
    """A term's postings in one segment as (document numbers, frequencies), block by block."""
    matcher = segment.postings(field, term)
    if isinstance(matcher, FilterMatcher):  # deleted documents: the caller leaves them out
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):  # another codec: the slow, public way
        pairs = []
        while matcher.is_active():
            pairs.append((matcher.id(), matcher.weight()))
            matcher.next()
        yield [d for d, _ in pairs], [w for _, w in pairs]
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        yield matcher._ids, matcher._weights
        matcher._next_block()


def rank(
    postings: Postings,
    clauses: Iterable[Clause],
    limit: int,
    *,
    allowed: frozenset[int] | None = None,
    excluded: int | None = None,
) -> tuple[int, list[tuple[int, float]]]:
    """How many documents match any clause, and the best `limit` as (docnum, score)."""
    lists = [postings.contributions(clause) for clause in clauses]
    lists = sorted((pair for pair in lists if len(pair[0])), key=lambda p: -len(p[0]))
    if not lists:
        return 0, []
    scores = dict(zip(*lists[0], strict=True))
    get = scores.get
    for ids, values in lists[1:]:
        for docnum, value in zip(ids, values, strict=True):
            scores[docnum] = get(docnum, 0.0) + value
    if allowed is not None:
        scores = {d: s for d, s in scores.items() if d in allowed}
    if excluded is not None:
        scores.pop(excluded, None)
    return len(scores), top(scores, limit, postings.tie_key)


def top(
    scores: dict[int, float],
    limit: int,
    tie_key: Callable[[int], Any] | None = None,
) -> list[tuple[int, float]]:
    """The `limit` best (docnum, score) pairs, best first.

    Equal scores are ordered by `tie_key(docnum)` (a stable document key, so the order does
    not depend on where documents happen to sit in the index; a rebuilt index ranks the
    same), or by document number without one or for ties too large to look up. Scores summed
    in a different order can differ in the last bit, so "equal" has a relative tolerance.
    """
    if limit <= 0 or not scores:
        return []
    if len(scores) > limit:
        threshold = heapq.nlargest(limit, scores.values())[-1]
        floor = threshold - abs(threshold) * 1e-9
        candidates = [(d, s) for d, s in scores.items() if s >= floor]
    else:
        candidates = list(scores.items())
    candidates.sort(key=lambda item: -item[1])

    def settle(group: list[tuple[int, float]]) -> list[tuple[int, float]]:
        if tie_key is None or len(group) == 1 or len(group) > MAX_TIE_LOOKUPS:
            return sorted(group)
        return sorted(group, key=lambda item: (tie_key(item[0]), item[0]))

    ordered: list[tuple[int, float]] = []
    group: list[tuple[int, float]] = []
    for item in candidates:
        if len(ordered) >= limit:
            break
        if group and not isclose(item[1], group[0][1], rel_tol=1e-9):
            ordered.extend(settle(group))
            group = []
        group.append(item)
    if len(ordered) < limit:
        ordered.extend(settle(group))
    return ordered[:limit]
