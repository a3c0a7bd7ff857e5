"""BM25F ranking of an OR of (field, term) clauses, computed one posting list at a time.

Whoosh's own matchers walk the union of the posting lists a document at a time, through
several Python calls per posting: tens of milliseconds for an ordinary question on a
10,000-article index. Under a flat OR a document's score is simply the sum of its clauses'
BM25F terms, so this module computes the same numbers (Whoosh's formula, idf and average
field lengths) a list at a time instead:

- a clause's posting list is decoded block by block into each document's contribution,
  boost × idf × tf·(K1+1) / (tf + K1·(1 − b + b·length / average length)), b the field's
  own length normalisation (`weighting()` is the same model as Whoosh's `BM25F`), leaving
  out deleted documents;
- every clause counts (no term is dropped for speed); MaxScore (see `rank`) sums the lists
  that can decide the top and only looks up the rest for the documents still in reach, so
  the scores returned are the full sums; the number of matching documents is the size of
  the union of the lists' document numbers (a set union, in C);
- the top of the ranking is cut with `heapq.nlargest`; equal scores are ordered by the
  documents' ids ("article:slug"), so a rebuilt index ranks exactly as the old one did.

Decoded lists live as long as the searcher (`Postings`), up to `MAX_CACHED_POSTINGS`, so the
words that most questions share are read from disk once per index version.

Posting blocks and field lengths are read through a few private attributes of the W3 codec
of whoosh-reloaded (pinned in pyproject.toml); tests/kb/test_kb_scoring.py compares the
scores with Whoosh's own and the top with a brute-force BM25F, so an upgrade that changed
the format would fail there first.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from math import isclose
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import Query
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from portal.search.schema import FIELD_B, FIELD_BOOSTS

K1 = 1.2  # Whoosh's BM25F defaults
B = 0.75  # the length normalisation of a field without its own in `schema.FIELD_B`
MAX_CACHED_POSTINGS = 2_000_000  # 12 bytes each: about 24 MB per open index at most
ENTRY_OVERHEAD = 32  # each cached list also costs about as much as 32 postings
MAX_CACHED_FILTERS = 64
MAX_TIE_LOOKUPS = 200  # larger groups of equal scores fall back to index order
MAX_CACHED_LENGTHS = 512  # (segment, field) length tables: one byte per document each

Clause = tuple[str, str]  # (field, term)


def field_b(field: str) -> float:
    """A field's BM25 length normalisation: its own (`schema.FIELD_B`) or the default `B`."""
    return FIELD_B.get(field, B)


def weighting() -> BM25F:
    """Whoosh's BM25F with the same parameters: what these scores are checked against."""
    return BM25F(B=B, K1=K1, **{f"{field}_B": value for field, value in FIELD_B.items()})


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
        """K1·(1 − b + b·length / average) for each of the 256 stored length bytes, with the
        field's own b (`field_b`)."""
        table = self._norms.get(field)
        if table is None:
            average = self.searcher.avg_field_length(field) or 1
            b_field = field_b(field)
            table = [
                K1 * ((1 - b_field) + b_field * byte_to_length(b) / average) for b in range(256)
            ]
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
    """How many documents match any clause, and the best `limit` as (docnum, score).

    Every clause counts: a returned score is the document's full BM25F sum. MaxScore skips
    the work that cannot change which documents those are. Lists are taken in descending
    order of their largest contribution and summed into the candidates; once the k-th best
    partial sum exceeds what all the remaining lists together could add (the sum of their
    maxima), no document outside the candidates can reach the top. The remaining
    ("non-essential") lists are then only looked up for the candidates still in reach, each
    candidate dropped as soon as its partial sum plus the remaining maxima falls below the
    k-th best. Long lists of common words usually end up non-essential.
    """
    lists = [postings.contributions(clause) for clause in clauses]
    lists = [entry for entry in lists if len(entry[0])]
    if not lists:
        return 0, []
    total = _count(lists, allowed, excluded)
    ordered = sorted(((max(entry[1]), entry) for entry in lists), key=lambda m: -m[0])
    lists = [entry for _, entry in ordered]
    remaining = [0.0] * (len(lists) + 1)  # remaining[i]: the most lists i.. can add
    for i in range(len(lists) - 1, -1, -1):
        remaining[i] = remaining[i + 1] + ordered[i][0]
    limit = max(0, min(limit, total))
    scores: dict[int, float] = {}
    get = scores.get
    threshold = 0.0
    essential = 0
    while essential < len(lists):
        ids, values = lists[essential]
        if not scores:
            scores = dict(zip(ids, values, strict=True))
            get = scores.get
        else:
            for docnum, value in zip(ids, values, strict=True):
                scores[docnum] = get(docnum, 0.0) + value
        essential += 1
        if essential == len(lists) or not limit:
            break
        threshold = _kth(scores, limit, allowed, excluded)
        if threshold and _below(remaining[essential], threshold):
            break
    if essential < len(lists):
        candidates = _filtered(scores, allowed, excluded)
        for position in range(essential, len(lists)):
            candidates = {
                d: s
                for d, s in candidates.items()
                if not _below(s + remaining[position], threshold)
            }
            ids, values = lists[position]
            if len(candidates) * 16 < len(ids):
                for docnum in candidates:
                    at = bisect_left(ids, docnum)
                    if at < len(ids) and ids[at] == docnum:
                        candidates[docnum] += values[at]
            else:
                lookup = dict(zip(ids, values, strict=True)).get
                candidates = {d: s + lookup(d, 0.0) for d, s in candidates.items()}
        scores = candidates
    else:
        scores = _filtered(scores, allowed, excluded)
    return total, top(scores, limit, postings.tie_key)


def _below(bound: float, threshold: float) -> bool:
    """Whether a score of at most `bound` certainly ranks below `threshold` (ties included:
    summing in another order can change the last bits)."""
    return bound < threshold - abs(threshold) * 1e-9


def _filtered(
    scores: dict[int, float], allowed: frozenset[int] | None, excluded: int | None
) -> dict[int, float]:
    if allowed is not None:
        scores = {d: s for d, s in scores.items() if d in allowed}
    elif excluded is not None:
        scores = dict(scores)
    if excluded is not None:
        scores.pop(excluded, None)
    return scores


def _kth(
    scores: dict[int, float], k: int, allowed: frozenset[int] | None, excluded: int | None
) -> float:
    """The k-th best partial score among the documents that may be returned (0 if fewer)."""
    if allowed is None and excluded is None:
        values: Iterable[float] = scores.values()
        if len(scores) < k:
            return 0.0
    else:
        values = [
            s for d, s in scores.items() if d != excluded and (allowed is None or d in allowed)
        ]
        if len(values) < k:
            return 0.0
    return heapq.nlargest(k, values)[-1]


def _count(
    lists: list[tuple[array, array]], allowed: frozenset[int] | None, excluded: int | None
) -> int:
    """The exact number of documents matching any clause (a union of document numbers, in C)."""
    if len(lists) == 1:
        matched: set[int] | array = lists[0][0]
        count = len(matched)
        if allowed is None and excluded is None:
            return count
        matched = set(matched)
    else:
        matched = set().union(*(ids for ids, _ in lists))
    if allowed is not None:
        matched &= allowed
    if excluded is not None:
        matched.discard(excluded)
    return len(matched)


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
