"""A large rebuild is spread over worker processes (`bulk.build`): the index they write
together must rank exactly as one process's, and a worker that fails or dies must leave the
live index as it was."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from whoosh import index as whoosh_index

from portal import search
from portal.extensions import db
from portal.models import Article
from portal.search import bulk
from portal.search.index import GENERATION_PREFIX, live_folder
from portal.search.schema import index_fields
from tests.kb.test_kb_ranking import _queries


def _ranking() -> list[list[tuple[str, float]]]:
    search.close_all()
    return [
        [(hit.key, round(hit.score, 9)) for hit in search.search(query).items]
        for query, _ in _queries()
    ]


def _generations(app) -> list[str]:  # noqa: ANN001 - the app fixture
    root = Path(app.config["INDEX_DIR"])
    return sorted(p.name for p in root.iterdir() if p.name.startswith(GENERATION_PREFIX))


def _document_count(app) -> int:  # noqa: ANN001 - the app fixture
    folder = live_folder(Path(app.config["INDEX_DIR"]))
    with whoosh_index.open_dir(str(folder), indexname="MAIN").searcher() as searcher:
        return searcher.doc_count()


def test_a_small_index_is_built_by_one_process_and_a_large_one_by_several():
    assert bulk.worker_count(bulk.PARALLEL_MIN_DOCUMENTS - 1) == 1
    assert 1 <= bulk.worker_count(100_000) <= bulk.MAX_WORKERS


def test_worker_processes_build_an_index_that_ranks_exactly_as_one_process_does(
    corpus, app, monkeypatch
):
    expected = _ranking()  # the corpus fixture's rebuild: one process
    total = _document_count(app)
    monkeypatch.setattr(bulk, "REBUILD_LIMIT_MB", 0.05)  # several segments per worker too
    reported: list[int] = []
    assert search.rebuild(workers=2, chunk=5, progress=reported.append) == total
    assert sum(reported) == total
    # The database connection the workers were forked beside still works.
    assert db.session.scalar(select(func.count(Article.id))) >= total
    folder = live_folder(Path(app.config["INDEX_DIR"]))
    assert not any(p.name.startswith(bulk.PART_PREFIX) for p in folder.iterdir())
    with whoosh_index.open_dir(str(folder), indexname="MAIN").searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) > 2
        assert searcher.doc_count() == total
    assert _ranking() == expected


@pytest.mark.parametrize("failure", ["raises", "dies", "every document raises"])
def test_a_worker_that_fails_leaves_the_live_index_as_it_was(corpus, app, monkeypatch, failure):
    """Whichever way workers fail, the rebuild stops with the reason (never waits for ever
    on workers that are gone) and the live index stays."""
    expected = _ranking()
    live = _generations(app)

    def fields(doc):  # noqa: ANN001, ANN202
        if failure == "every document raises" or doc.key == "storage-repository-rescan":
            if failure == "dies":
                os._exit(3)  # killed, as by the out-of-memory killer: no report comes
            raise ValueError("this document cannot be indexed")
        return index_fields(doc)

    monkeypatch.setattr(bulk, "index_fields", fields)
    message = "died" if failure == "dies" else "this document cannot be indexed"
    with pytest.raises(RuntimeError, match=message):
        # Six chunks: with both workers gone, every chunk queue ends up full.
        search.rebuild(workers=2, chunk=10)
    assert _generations(app) == live
    assert _ranking() == expected


def test_a_worker_whose_parent_is_gone_stops_instead_of_waiting_for_chunks(tmp_path):
    """A worker outliving a killed `kb reindex` would keep the index's writer lock (inherited
    with the parent's open files) for as long as it waited; it gives up within a poll."""
    context = multiprocessing.get_context("fork")
    tasks, reports = context.Queue(), context.Queue()
    not_my_parent = os.getpid()  # a worker run here has another parent: the test runner's
    bulk._worker(tmp_path / "part", tasks, reports, not_my_parent, bulk.REBUILD_LIMIT_MB)
    kind, value = reports.get(timeout=5)
    assert kind == "failed" and "abandoned" in value
