"""The ranking gives Whoosh's own BM25F scores, exact match counts, and the exact top.

`portal.search.scoring` reads Whoosh's posting blocks directly for speed and skips (MaxScore)
what cannot reach the top; these tests hold it to what Whoosh itself computes for the same OR
query, and to a brute-force BM25F over every document, on the shipped corpus and on an index
with several segments and deleted documents.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.query import Or, Term
from whoosh.searching import Searcher

from portal import search
from portal.search.documents import SearchDocument
from portal.search.index import live_folder
from portal.search.query import clauses, terms
from portal.search.schema import FIELD_BOOSTS, build_schema, index_fields
from portal.search.scoring import K1, Postings, field_b, rank, top, weighting
from tests.kb.test_kb_ranking import _queries


def _whoosh_scores(searcher: Searcher, clause_list: list[tuple[str, str]]) -> dict[int, float]:
    query = Or([Term(field, term, boost=FIELD_BOOSTS[field]) for field, term in clause_list])
    # Whoosh's BM25F with the portal's parameters (its B per field), on the same reader.
    own = Searcher(searcher.reader(), weighting=weighting(), closereader=False)
    results = own.search(query, limit=None, optimize=False)
    return {hit.docnum: hit.score for hit in results}


def _brute_force(searcher: Searcher, clause_list: list[tuple[str, str]]) -> dict[int, float]:
    """BM25F the slow, obvious way: every clause's every posting through Whoosh's public API."""
    reader = searcher.reader()
    scores: dict[int, float] = {}
    for field, term in clause_list:
        if not reader.doc_frequency(field, term):
            continue
        idf = searcher.idf(field, term)
        average = searcher.avg_field_length(field)
        for docnum, tf in reader.postings(field, term).items_as("weight"):
            length = reader.doc_field_length(docnum, field)
            b = field_b(field)
            norm = K1 * ((1 - b) + b * length / average)
            value = FIELD_BOOSTS[field] * idf * tf * (K1 + 1) / (tf + norm)
            scores[docnum] = scores.get(docnum, 0.0) + value
    return scores


def _assert_exact_top(searcher: Searcher, postings: Postings, clause_list, **narrowing) -> None:
    """Whatever `limit`, the ranking is the brute force's top, with the full sums."""
    everything = _brute_force(searcher, clause_list)
    allowed, excluded = narrowing.get("allowed"), narrowing.get("excluded")
    expected_scores = {
        d: s for d, s in everything.items() if (allowed is None or d in allowed) and d != excluded
    }
    for limit in (1, 3, 10, 50):
        total, ranked = rank(postings, clause_list, limit, **narrowing)
        assert total == len(expected_scores)
        expected = top(expected_scores, limit, postings.tie_key)
        assert [d for d, _ in ranked] == [d for d, _ in expected], (clause_list, limit)
        for (_, got), (_, wanted) in zip(ranked, expected, strict=True):
            assert math.isclose(got, wanted, rel_tol=1e-9)


def _assert_same(searcher: Searcher, postings: Postings, clause_list) -> None:
    expected = _whoosh_scores(searcher, clause_list)
    total, ranked = rank(postings, clause_list, limit=len(expected) + 5)
    assert total == len(expected)
    got = dict(ranked)
    assert got.keys() == expected.keys()
    for docnum, score in expected.items():
        assert math.isclose(got[docnum], score, rel_tol=1e-9), (docnum, got[docnum], score)
    scores = [score for _, score in ranked]
    # Best first; scores equal but for the last bits count as a tie (`scoring.top`).
    assert all(
        later <= earlier or math.isclose(later, earlier, rel_tol=1e-9)
        for earlier, later in zip(scores, scores[1:], strict=False)
    )


def test_scores_and_counts_match_whoosh_on_the_shipped_corpus(corpus, app):
    folder = live_folder(Path(app.config["INDEX_DIR"]))
    searcher = whoosh_index.open_dir(str(folder), indexname="MAIN").searcher()
    try:
        postings = Postings(searcher)
        for query, _ in _queries():
            term_list = terms(query)
            _assert_same(searcher, postings, clauses(term_list))  # every clause
            _assert_same(searcher, postings, clauses(term_list, searcher))  # those it holds
    finally:
        searcher.close()


def test_the_top_is_the_brute_force_top_with_full_scores(corpus, app):
    folder = live_folder(Path(app.config["INDEX_DIR"]))
    searcher = whoosh_index.open_dir(str(folder), indexname="MAIN").searcher()
    try:
        postings = Postings(searcher)
        some = frozenset(range(0, searcher.doc_count_all(), 3))
        queries = [query for query, _ in _queries()] + [
            "the host storage network vm xenserver error",  # long common lists
            "storage repository",  # a phrase
            "xenserver",
        ]
        for query in queries:
            clause_list = clauses(terms(query), searcher)
            _assert_exact_top(searcher, postings, clause_list)
            _assert_exact_top(searcher, postings, clause_list, allowed=some)
            best = rank(postings, clause_list, 1)[1]
            if best:
                _assert_exact_top(searcher, postings, clause_list, excluded=best[0][0])
    finally:
        searcher.close()


def _doc(key: str, title: str, body: str) -> SearchDocument:
    return SearchDocument(type="article", key=key, title=title, url=f"/kb/{key}", body=body)


def test_several_segments_and_deleted_documents_score_as_whoosh_does(tmp_path: Path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema(), indexname="MAIN")
    for batch in range(3):  # three commits without merging: three segments
        writer = ix.writer()
        for n in range(40):
            key = f"{batch}-{n}"
            words = " ".join(["storage"] * (n % 5 + 1) + ["network"] * (n % 3) + ["pad"] * n)
            writer.add_document(**index_fields(_doc(key, f"Storage note {key}", words)))
        writer.commit(merge=False)
    writer = ix.writer()
    for key in ("0-3", "1-7", "2-0", "2-39"):
        writer.delete_by_term("uid", f"article:{key}")
    writer.commit(merge=False)
    searcher = ix.searcher()
    try:
        assert len(searcher.reader().leaf_readers()) > 1
        postings = Postings(searcher)
        for term_list in (["storag"], ["storag", "network"], ["network", "pad", "note"]):
            _assert_same(searcher, postings, clauses(term_list))
            _assert_exact_top(searcher, postings, clauses(term_list, searcher))
        total, _ = rank(postings, clauses(["storag"]), limit=10)
        assert total == 120 - 4
    finally:
        searcher.close()


def test_filters_and_an_excluded_document_narrow_the_ranking(corpus, app):
    every = search.search("storage repository", per_page=50)
    articles = search.search("storage repository", type="article", per_page=50)
    assert 0 < articles.total <= every.total
    assert {hit.type for hit in articles.items} == {"article"}
    first = articles.items[0]
    suggested = search.suggest("storage repository", type="article", exclude=("article", first.key))
    assert first.key not in [hit.key for hit in suggested]
    assert [hit.key for hit in suggested][:2] == [hit.key for hit in articles.items[1:3]]


def test_equal_scores_are_ordered_by_document_number():
    scores = {9: 1.0, 3: 2.0, 7: 1.0, 1: 1.0 + 1e-13, 5: 0.5}
    assert top(scores, 3) == [(3, 2.0), (1, 1.0 + 1e-13), (7, 1.0)]
    assert top(scores, 0) == []
    assert [d for d, _ in top(scores, 10)] == [3, 1, 7, 9, 5]


@pytest.mark.parametrize("page", [1, 2, 3])
def test_pages_do_not_repeat_or_skip_results(corpus, page):
    whole = [hit.key for hit in search.search("host", per_page=30).items]
    one_page = [hit.key for hit in search.search("host", page=page, per_page=5).items]
    assert one_page == whole[(page - 1) * 5 : page * 5]


def test_the_cache_keeps_no_unknown_words_and_stays_under_its_cap(corpus, app, monkeypatch):
    from portal.search import scoring

    folder = live_folder(Path(app.config["INDEX_DIR"]))
    searcher = whoosh_index.open_dir(str(folder), indexname="MAIN").searcher()
    try:
        postings = Postings(searcher)
        for n in range(200):
            total, _ = rank(postings, clauses([f"zzqx{n}"], searcher), 10)
            assert total == 0
            assert rank(postings, [("body", f"zzqx{n}")], 10) == (0, [])
        assert len(postings) == 0 and postings.cached_cost == 0

        monkeypatch.setattr(scoring, "MAX_CACHED_POSTINGS", 200)
        for query, _ in _queries():
            rank(postings, clauses(terms(query), searcher), 10)
            assert postings.cached_cost <= 200
        assert len(postings) > 0
    finally:
        searcher.close()


def test_equal_scores_follow_a_stable_key_when_one_is_given():
    scores = {9: 1.0, 3: 2.0, 7: 1.0, 1: 1.0}
    names = {9: "article:a", 7: "article:c", 1: "article:b", 3: "article:z"}
    assert top(scores, 3, names.__getitem__) == [(3, 2.0), (9, 1.0), (1, 1.0)]
    assert top(scores, 2, names.__getitem__) == [(3, 2.0), (9, 1.0)]
