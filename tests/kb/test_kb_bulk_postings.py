"""A rebuild writes its postings a block at a time (`bulk._TermPool`, `write_postings`); the
index it writes must be the one Whoosh's own writer writes for the same documents."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import TEXT
from whoosh.writing import SegmentWriter

from portal.search.bulk import COMPOUND, REBUILD_CODEC, bulk_writer
from portal.search.documents import SearchDocument
from portal.search.index import _fields_for
from portal.search.schema import ANALYZER, build_schema, index_fields


def _documents() -> list[SearchDocument]:
    documents = []
    for n in range(300):  # "storage" is in every one: its list spans three posting blocks
        body = " ".join(
            ["storage"] * (n % 4 + 1) + ["network"] * (n % 3) + [f"word{n % 17}"] * (n % 7)
        )
        documents.append(
            SearchDocument(
                type="thread" if n % 5 else "article",
                key=f"doc-{n}",
                title=f"Storage note {n} os.path.getsize XMLReader",
                url=f"/kb/doc-{n}",
                body=body + "\n\n## Fixing the network\n\nget_history_length",
                summary="A summary" if n % 2 else "",
                tags=["nfs", "storage"] if n % 3 else [],
                boost=1.37 if n % 11 == 0 else 1.0,  # weights that are not whole numbers
            )
        )
    return documents


def _build(folder: Path, bulk: bool):  # noqa: ANN202 - a Whoosh reader
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema(), indexname="MAIN")
    writer = bulk_writer(ix) if bulk else SegmentWriter(ix, compound=COMPOUND, codec=REBUILD_CODEC)
    for doc in _documents():
        writer.add_document(**index_fields(doc))
    writer.commit(merge=False)
    return ix


def _segment_files(folder: Path, extension: str) -> bytes:
    (path,) = folder.glob(f"*.{extension}")
    return path.read_bytes()


def _assert_same_postings(ours: Path, theirs: Path) -> None:
    """Term for term the same statistics and postings (the bulk writer keeps one-posting
    lists in the term table, so the files themselves differ there)."""
    mine = whoosh_index.open_dir(str(ours), indexname="MAIN").reader()
    expected = whoosh_index.open_dir(str(theirs), indexname="MAIN").reader()
    try:
        terms = list(expected.all_terms())
        assert list(mine.all_terms()) == terms
        for field, text in terms:
            got, want = mine.term_info(field, text), expected.term_info(field, text)
            assert (got.weight(), got.doc_frequency(), got.max_weight()) == (
                want.weight(),
                want.doc_frequency(),
                want.max_weight(),
            )
            assert (got.min_length(), got.max_length()) == (want.min_length(), want.max_length())
            assert (got.min_id(), got.max_id()) == (want.min_id(), want.max_id())
            for kind in ("weight", "frequency"):
                if expected.schema[field].format.supports(kind):
                    assert list(mine.postings(field, text).items_as(kind)) == list(
                        expected.postings(field, text).items_as(kind)
                    )
        for field in expected.schema.scorable_names():
            assert mine.field_length(field) == expected.field_length(field)
            assert [mine.doc_field_length(d, field) for d in range(expected.doc_count_all())] == [
                expected.doc_field_length(d, field) for d in range(expected.doc_count_all())
            ]
        assert list(mine.all_stored_fields()) == list(expected.all_stored_fields())
    finally:
        mine.close()
        expected.close()


def test_bulk_postings_are_the_postings_whoosh_writes(tmp_path: Path):
    _build(tmp_path / "bulk", True)
    _build(tmp_path / "whoosh", False)
    with whoosh_index.open_dir(str(tmp_path / "whoosh"), indexname="MAIN").reader() as reader:
        frequencies = [reader.doc_frequency(*term) for term in reader.all_terms()]
    assert max(frequencies) > 256  # a list spanning three posting blocks
    assert 1 in frequencies  # and lists kept in the term table
    _assert_same_postings(tmp_path / "bulk", tmp_path / "whoosh")


def test_only_one_posting_lists_are_kept_in_the_term_table(tmp_path: Path):
    _build(tmp_path / "bulk", True)
    ix = whoosh_index.open_dir(str(tmp_path / "bulk"), indexname="MAIN")
    with ix.reader() as reader:
        single = [term for term in reader.all_terms() if reader.doc_frequency(*term) == 1]
        assert all(reader.term_info(*term).is_inlined() for term in single)
        assert not any(
            reader.term_info(*term).is_inlined()
            for term in reader.all_terms()
            if reader.doc_frequency(*term) > 1
        )


def test_a_field_given_text_for_some_documents_and_counts_for_others_indexes_as_whoosh_does(
    tmp_path: Path,
):
    """The bulk pool keeps counted postings apart from those added a posting at a time; a
    term that arrives both ways becomes one list in document order."""

    def fields_of(n: int, doc: SearchDocument) -> dict[str, object]:
        fields = index_fields(doc)
        if n % 3 == 0:
            fields["body"] = doc.body  # analysed by the field, not counted in advance
        return fields

    for name, bulk in (("bulk", True), ("whoosh", False)):
        folder = tmp_path / name
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), build_schema(), indexname="MAIN")
        writer = (
            bulk_writer(ix) if bulk else SegmentWriter(ix, compound=COMPOUND, codec=REBUILD_CODEC)
        )
        for n, doc in enumerate(_documents()):
            writer.add_document(**fields_of(n, doc))
        writer.commit(merge=False)
    _assert_same_postings(tmp_path / "bulk", tmp_path / "whoosh")


def test_titles_and_summaries_counted_in_advance_index_as_their_text(tmp_path: Path):
    """`Analysed` counts (and their spelling words) give the index Whoosh's analyser gives
    the same title and summary as text."""
    counted, typed = tmp_path / "counted", tmp_path / "typed"
    for folder in (counted, typed):
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), build_schema(), indexname="MAIN")
        writer = SegmentWriter(ix, compound=COMPOUND, codec=REBUILD_CODEC)
        for doc in _documents():
            fields = index_fields(doc)
            if folder == typed:
                fields |= {"title": doc.title, "summary": doc.summary}
                del fields["_stored_title"], fields["_stored_summary"]
            writer.add_document(**fields)
        writer.commit(merge=False)
    for extension in ("pst", "trm"):
        assert _segment_files(counted, extension) == _segment_files(typed, extension)
    with whoosh_index.open_dir(str(counted), indexname="MAIN").searcher() as searcher:
        stored = searcher.stored_fields(0)
        assert (stored["title"], stored["summary"]) == (_documents()[0].title, "")


def test_an_index_built_before_counted_titles_keeps_catching_up(tmp_path: Path):
    """An index whose schema still has plain text titles and no `whole_title` (built by an
    older version) takes new documents until `kb reindex` rebuilds it."""
    older = build_schema()
    older.remove("whole_title")
    for name in ("title", "summary"):
        older.remove(name)
        older.add(name, TEXT(analyzer=ANALYZER, stored=True, spelling=True, phrase=False))
    ix = whoosh_index.create_in(str(tmp_path), older, indexname="MAIN")
    writer = ix.writer()
    fields = _fields_for(ix)
    for doc in _documents()[:3]:
        writer.add_document(**fields(doc))
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.stored_fields(1)["title"] == _documents()[1].title
        assert searcher.doc_frequency("title", "xmlreader") == 3


def test_a_rebuild_past_its_memory_cap_writes_several_segments_and_ranks_the_same(
    corpus, app, monkeypatch
):
    from portal import search
    from portal.search import bulk, index
    from tests.kb.test_kb_ranking import _queries

    def ranking() -> list[list[tuple[str, float]]]:
        return [
            [(hit.key, round(hit.score, 9)) for hit in search.search(query).items]
            for query, _ in _queries()
        ]

    expected = ranking()
    monkeypatch.setattr(bulk, "REBUILD_LIMIT_MB", 0.05)
    index.rebuild(chunk=10)  # the pool is checked after each chunk
    search.close_all()
    folder = index.live_folder(Path(app.config["INDEX_DIR"]))
    with whoosh_index.open_dir(str(folder), indexname="MAIN").searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) > 1
    assert ranking() == expected


def test_segments_the_bulk_writer_wrote_merge_with_new_ones(tmp_path: Path):
    """Catch-up writes go through Whoosh's own writer, which merges small segments: one the
    bulk writer wrote (one-posting lists in the term table included) must merge, and what
    comes out must still find every document."""
    ix = _build(tmp_path / "bulk", True)
    extra = SearchDocument(type="article", key="late", title="Late quorum note", url="/kb/late")
    for _ in range(3):
        writer = ix.writer()
        writer.delete_by_term("uid", extra.uid)
        writer.add_document(**index_fields(extra))
        writer.commit()
    writer = ix.writer()
    writer.add_document(**index_fields(replace(extra, key="later")))
    writer.commit(optimize=True)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
        assert searcher.doc_count() == len(_documents()) + 2
        assert searcher.document_number(uid="article:doc-5") is not None
        assert searcher.doc_frequency("title", "quorum") == 2
        assert searcher.doc_frequency("uid", "article:late") == 1
