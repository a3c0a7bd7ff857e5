"""Writing a whole index fast: pooled postings a block at a time, in several processes.

A rebuild writes every document once, so it skips what Whoosh's general writer does for
incremental writes:

- `_TermPool` groups postings by field and term as documents arrive (already in document
  order), and `write_postings` hands the codec each posting block whole, instead of
  sorting one tuple per posting and calling the codec once per posting. A one-posting list
  (most phrase pairs, every document id) is kept in the term table instead of a block of its
  own, which the W3 format allows. Every term's statistics and postings are those Whoosh's
  own writer writes (tests/kb/test_kb_bulk_postings.py).
- `build` spreads the documents over worker processes (`workers`). Each worker analyses
  its share and writes Whoosh segments into a part folder of its own; the parent reads the
  documents from the database and hands them out a chunk at a time, then moves every
  part's segment files into the index and writes one table of contents listing them all.
  Scores do not depend on how documents are split into segments: Whoosh sums document
  frequencies and field lengths over segments, and equal scores are ordered by document id.

Workers are forked and never touch the database or the Flask app: each gets its chunks
through a queue of its own, and all report progress and failures through one queue back.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import traceback
from array import array
from collections.abc import Callable, Iterable, Mapping
from itertools import chain
from pathlib import Path
from pickle import dumps

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3TermInfo, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, Index
from whoosh.system import pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from portal.search.documents import SearchDocument
from portal.search.schema import PreAnalyzed, build_schema, index_fields

INDEX_NAME = "MAIN"
REBUILD_LIMIT_MB = 256  # a rebuild's in-memory posting pool (all workers') before a segment
# Plain files per segment, not Whoosh's compound file: a searcher opening a compound segment
# copies each part into memory, which at 100,000 articles delays the first search after every
# publish by a noticeable fraction of a second. Queries run as fast either way.
COMPOUND = False
MAX_WORKERS = 4
# Below this many documents one process builds the index: starting workers costs more than
# it saves.
PARALLEL_MIN_DOCUMENTS = 1_000
WORKER_POLL_SECONDS = 0.5  # how often the parent checks that its workers are still alive
PART_PREFIX = "part-"
MAX_REMEMBERED_VALUES = 1_000
INLINE_POSTINGS = 1  # posting lists this short live in the term table (`_inlined`)

# Rebuilt segments skip zlib on posting blocks (a little more disk, less time to write and
# to decode); readers need no setting for it.
REBUILD_CODEC = W3Codec(blocklimit=128, compression=0)
_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]


class _Lengths:
    """Field lengths for the posting writer, each field's column read once (Whoosh's own
    reader looks each posting's length up in the column file, and checks that a column exists
    on disk for every posting of a field without one)."""

    def __init__(self, reader: object) -> None:
        self._reader = reader
        self._tables: dict[str, list[int]] = {}

    def table(self, fieldname: str) -> list[int]:
        """Every document's length in `fieldname` (empty for a field without lengths)."""
        found = self._tables.get(fieldname)
        if found is None:
            column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            found = [] if column is None else [_LENGTH_OF_BYTE[b] for b in column.load()]
            self._tables[fieldname] = found
        return found


class _FrequencyValues(dict):
    """A frequency's stored posting value (`pack_uint`), one bytes object per frequency."""

    def __missing__(self, freq: int) -> bytes:
        value = self[freq] = pack_uint(freq)
        return value


_FREQUENCY_VALUES = _FrequencyValues()


class _TermPool:
    """A rebuild's postings grouped by field and term as documents are added.

    Whoosh's own pool keeps one tuple per posting, sorts them all (spilling runs to disk) and
    hands them to the codec one call per posting. Documents arrive in document order, so a
    term's postings are already sorted: here they are appended to the term's arrays, and
    `write_postings` sorts only the terms and passes each posting block to the codec whole.
    A counted (`PreAnalyzed`) field keeps just each posting's document and frequency: its
    weight is the frequency times the document's field boost (kept apart, for the few
    documents that have one), its stored value the frequency packed.
    """

    def __init__(self) -> None:
        # field → term → (document numbers, weights, values, whether the weights are ints)
        self.fields: dict[str, dict[bytes, tuple[array, array, list[bytes], bool]]] = {}
        # field → term → (document numbers, frequencies), for counted fields
        self.counted: dict[str, dict[str, tuple[array, array]]] = {}
        self.boosts: dict[str, dict[int, float]] = {}  # field → document → boost, if not 1
        self.postings = 0
        self.terms = 0
        self._values: dict[bytes, bytes] = {}  # one bytes object per distinct value

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, btext, docnum, weight, vbytes = item
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        entry = terms.get(btext)
        if entry is None:
            # A field's weights are all ints (1 for a plain ID) or all floats; the block's
            # maximum is stored as given, so its type is kept.
            entry = terms[btext] = (array("I"), array("d"), [], type(weight) is int)
            self.terms += 1
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(self._values.setdefault(vbytes, vbytes) if vbytes else b"")
        self.postings += 1

    def add_counts(
        self, fieldname: str, counts: Mapping[str, int], docnum: int, boost: float
    ) -> tuple[int, bytes | None]:
        """One document's `{term: frequency}` for a field: what `PreAnalyzed.index` would add
        a posting at a time. Returns the field's length and the last posting's value."""
        if not counts:
            return 0, None
        terms = self.counted.get(fieldname)
        if terms is None:
            terms = self.counted[fieldname] = {}
        if boost != 1.0:
            self.boosts.setdefault(fieldname, {})[docnum] = boost
        get = terms.get
        for term, freq in counts.items():
            entry = get(term)
            if entry is None:
                entry = terms[term] = (array("I"), array("I"))
                self.terms += 1
            entry[0].append(docnum)
            entry[1].append(freq)
        self.postings += len(counts)
        return sum(counts.values()), _FREQUENCY_VALUES[next(reversed(counts.values()))]

    def field_names(self) -> list[str]:
        return sorted(set(self.fields) | set(self.counted))

    def terms_of(self, fieldname: str) -> dict[bytes, tuple[array, array, list[bytes], bool]]:
        """A field's posting lists by term: (document numbers, weights, values, whether the
        weights are ints)."""
        terms = dict(self.fields.get(fieldname, {}))
        boosts = self.boosts.get(fieldname)
        values_of = _FREQUENCY_VALUES.__getitem__
        for term, (ids, freqs) in self.counted.get(fieldname, {}).items():
            weights = (
                array("d", [f * boosts.get(d, 1.0) for d, f in zip(ids, freqs, strict=True)])
                if boosts
                else freqs
            )
            entry = (ids, weights, list(map(values_of, freqs)), False)
            btext = term.encode("utf-8")
            other = terms.get(btext)
            if other is not None:  # the same term added a posting at a time for other documents
                merged = sorted(
                    zip(
                        chain(other[0], ids),
                        chain(other[1], weights),
                        chain(other[2], entry[2]),
                        strict=True,
                    )
                )
                entry = (
                    array("I", [m[0] for m in merged]),
                    array("d", [m[1] for m in merged]),
                    [m[2] for m in merged],
                    other[3],
                )
            terms[btext] = entry
        return terms

    @property
    def size_mb(self) -> float:
        """Roughly how much memory the pool holds."""
        return (self.postings * 24 + self.terms * 300) / 1_048_576

    def cleanup(self) -> None:
        self.fields.clear()
        self.counted.clear()
        self.boosts.clear()


def write_postings(fieldwriter: object, schema: object, pool: _TermPool, lengths: _Lengths) -> None:
    """Write the pool through the codec's posting writer a block at a time: the same blocks,
    statistics and term table as Whoosh's `add_postings`, without a call per posting. A term
    with a single posting (most phrase pairs, every document id) is kept in the term table
    itself (`_inlined`), as the W3 format allows."""
    for fieldname in pool.field_names():
        terms = pool.terms_of(fieldname)
        table = lengths.table(fieldname)
        known = len(table)
        fieldwriter.start_field(fieldname, schema[fieldname])
        field_key = pack_ushort(fieldwriter._fieldid)
        add_term = fieldwriter._tindex.add
        for btext in sorted(terms):
            ids, weights, values, whole = terms[btext]
            count = len(ids)
            if count <= INLINE_POSTINGS:
                add_term(field_key + btext, _inlined(ids, weights, values, whole, table, known))
                continue
            fieldwriter.start_term(btext)
            writer = fieldwriter._postwriter
            limit = writer._blocklimit
            for start in range(0, count, limit):
                end = min(start + limit, count)
                block = ids[start:end]
                block_weights = weights[start:end]
                writer._ids = block
                writer._weights = array("f", block_weights)
                writer._values = [v for v in values[start:end] if v]
                writer._minlength, writer._maxlength, writer._maxweight = _statistics(
                    block, block_weights, whole, table, known
                )
                if end < count:
                    writer._write_block()
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _statistics(
    ids: array, weights: array, whole: bool, table: list[int], known: int
) -> tuple[int | None, int, float]:
    """A block's smallest and largest non-zero field lengths and its largest weight, as
    `add_posting` gathers them (the weight before it is stored in single precision, an int
    for a field whose weights are ints)."""
    found = [length for length in (table[d] for d in ids if d < known) if length]
    heaviest = max(0, max(weights))
    return (
        min(found) if found else None,
        max(found) if found else 0,
        int(heaviest) if whole else float(heaviest),
    )


_TERM_INFO = W3TermInfo._struct


def _inlined(
    ids: array, weights: array, values: list[bytes], whole: bool, table: list[int], known: int
) -> bytes:
    """A short posting list as a term table entry with its postings inline: the statistics
    `W3TermInfo.add_block` would take from the one block, packed as `W3TermInfo.to_bytes`
    packs them, then the postings a W3 reader hands to a `ListMatcher`, a value (empty for an
    ID field) for every document, as a merge reads them back. (Whoosh's own writer cannot
    inline: its `finish_postings` calls a `set_inline` that `W3TermInfo` lacks.)"""
    stored = array("f", weights)  # the single precision a block stores
    minlength, maxlength, maxweight = _statistics(ids, weights, whole, table, known)
    head = _TERM_INFO.pack(
        True,
        sum(stored),
        len(ids),
        0 if minlength is None else length_to_byte(minlength),
        length_to_byte(maxlength),
        maxweight,
        ids[0],
        ids[-1],
    )
    return head + dumps((tuple(ids), tuple(stored), tuple(values)), 2)


def bulk_writer(ix: Index) -> SegmentWriter:
    writer = SegmentWriter(ix, limitmb=REBUILD_LIMIT_MB, compound=COMPOUND, codec=REBUILD_CODEC)
    writer.pool = _TermPool()

    def flush_segment() -> None:  # SegmentWriter._flush_segment, a block at a time
        writer.perdocwriter.close()
        reader = writer.per_document_reader()
        try:
            write_postings(writer.fieldwriter, writer.schema, writer.pool, _Lengths(reader))
            writer.fieldwriter.close()
        finally:
            reader.close()

    writer._flush_segment = flush_segment
    if not any(field.vector for _, field in writer.schema.items()):
        writer.add_document = _adder(writer)
    return writer


def _adder(writer: SegmentWriter) -> Callable[..., None]:
    """`SegmentWriter.add_document` for the bulk writer: the same per-document records, and a
    `PreAnalyzed` field's counts go into the pool a field at a time (`_TermPool.add_counts`).
    An ID or keyword value that repeats across documents (a type, a product, a list of
    versions) is analysed once: up to `MAX_REMEMBERED_VALUES` per field are remembered."""
    pool: _TermPool = writer.pool
    schema = writer.schema
    perdoc = writer.perdocwriter
    remembered: dict[str, dict[str, list[tuple[bytes, int, float, bytes]]]] = {}

    def postings_of(name: str, field: object, value: object) -> Iterable:
        if field.scorable or not isinstance(value, str):  # text: rarely the same twice
            return field.index(value)
        known = remembered.setdefault(name, {})
        found = known.get(value)
        if found is None:
            found = list(field.index(value))
            if len(known) < MAX_REMEMBERED_VALUES:
                known[value] = found
        return found

    def add_document(**fields: object) -> None:
        writer._check_state()
        docnum = writer.docnum
        docboost = writer._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        writer._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length, vbytes = 0, None
                if field.indexed:
                    boost = writer._field_boost(fields, name, docboost)
                    if isinstance(value, Mapping) and isinstance(field, PreAnalyzed):
                        length, vbytes = pool.add_counts(name, value, docnum, boost)
                    else:
                        for tbytes, freq, weight, vbytes in postings_of(name, field, value):
                            length += freq
                            pool.add((name, tbytes, docnum, weight * boost, vbytes))
                    if not field.scorable:
                        length = 0
                if field.separate_spelling():
                    spelling = field.spelling_fieldname(name)
                    for word in field.spellable_words(value):
                        pool.add((spelling, word.encode("utf-8"), 0, 1, vbytes))
                stored = fields.get(f"_stored_{name}", value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        writer._added = True
        writer.docnum += 1

    return add_document


def worker_count(documents: int) -> int:
    """How many processes should build an index of `documents`: one per CPU this process may
    use (at most `MAX_WORKERS`), or one for a small index."""
    if documents < PARALLEL_MIN_DOCUMENTS:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def build(
    folder: Path,
    chunks: Iterable[list[SearchDocument]],
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Index every chunk of documents into a new, empty Whoosh index in `folder`; returns
    how many documents were indexed. With `workers` above 1 the chunks are indexed by that
    many forked processes, chunk n by worker n mod `workers`, so the same documents end up in
    the same segments in the same order on every rebuild. The index ranks the same either
    way: only how documents are spread over segments differs."""
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        return _build_in_parts(folder, chunks, workers, progress)
    return _write_chunks(folder, chunks, progress, REBUILD_LIMIT_MB)


def _write_chunks(
    folder: Path,
    chunks: Iterable[list[SearchDocument]],
    progress: Callable[[int], None] | None,
    limit_mb: float,
) -> int:
    """Index the chunks' documents into a new index in `folder`, a segment per `limit_mb`
    of pooled postings."""
    ix = whoosh_index.create_in(str(folder), build_schema(), indexname=INDEX_NAME)
    try:
        return _add_chunks(ix, chunks, progress, limit_mb)
    finally:
        ix.close()


def _add_chunks(
    ix: Index,
    chunks: Iterable[list[SearchDocument]],
    progress: Callable[[int], None] | None,
    limit_mb: float,
) -> int:
    indexed = 0
    writer = bulk_writer(ix)
    try:
        for chunk in chunks:
            add = writer.add_document
            for doc in chunk:
                add(**index_fields(doc))
            indexed += len(chunk)
            if writer.pool.size_mb > limit_mb:
                # Memory stays bounded: this segment is written, the next begins.
                writer.commit(merge=False)
                writer = bulk_writer(ix)
            if progress:
                progress(len(chunk))
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)
    return indexed


class _Workers:
    """Forked index workers, each with a queue of chunks to index (a few at most, so memory
    stays bounded) and one queue of reports back: ("progress", documents), ("finished", None)
    or ("failed", traceback)."""

    def __init__(self, folder: Path, count: int, progress: Callable[[int], None] | None):
        context = multiprocessing.get_context("fork")
        self.parts = [folder / f"{PART_PREFIX}{n}" for n in range(count)]
        self.tasks = [context.Queue(maxsize=2) for _ in self.parts]
        self.reports = context.Queue()
        self.progress = progress
        self.indexed = 0
        self.finished = 0
        # The pool limit is shared out, so a rebuild pools about as much as one process did.
        limit_mb = REBUILD_LIMIT_MB / count
        self.processes = [
            context.Process(
                target=_worker,
                args=(part, tasks, self.reports, os.getpid(), limit_mb),
                daemon=True,
            )
            for part, tasks in zip(self.parts, self.tasks, strict=True)
        ]
        for process in self.processes:
            process.start()

    def send(self, number: int, chunk: list[SearchDocument] | None) -> None:
        """Queue a chunk (None: the end) for worker `number`, taking reports while it waits."""
        while True:
            try:
                self.tasks[number].put(chunk, timeout=WORKER_POLL_SECONDS)
                break
            except queue.Full:
                self.take_reports(wait=False)
        self.take_reports(wait=False)

    def take_reports(self, wait: bool) -> None:
        """Take the reports there are (with `wait`, up to one poll interval for the next);
        raise if a worker failed or died."""
        while True:
            try:
                kind, value = self.reports.get(timeout=WORKER_POLL_SECONDS if wait else 0)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in self.processes):
                    raise RuntimeError("an index worker died") from None
                return
            if kind == "failed":
                raise RuntimeError(f"an index worker failed:\n{value}")
            if kind == "progress":
                self.indexed += value
                if self.progress:
                    self.progress(value)
            else:
                self.finished += 1
                if wait:
                    return

    def close(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for tasks in self.tasks:
            tasks.cancel_join_thread()  # chunks no worker will read must not hold up exit
            tasks.close()
        self.reports.close()
        for part in self.parts:
            shutil.rmtree(part, ignore_errors=True)


def _build_in_parts(
    folder: Path,
    chunks: Iterable[list[SearchDocument]],
    count: int,
    progress: Callable[[int], None] | None,
) -> int:
    workers = _Workers(folder, count, progress)
    try:
        for number, chunk in enumerate(chunks):
            workers.send(number % count, chunk)
        for number in range(count):
            workers.send(number, None)
        while workers.finished < count:
            workers.take_reports(wait=True)
        for process in workers.processes:
            process.join()
        _join_parts(folder, workers.parts)
    finally:
        workers.close()
    return workers.indexed


def _worker(
    part: Path,
    tasks: multiprocessing.Queue,
    reports: multiprocessing.Queue,
    parent: int,
    limit_mb: float,
) -> None:
    """A forked worker: index chunks from `tasks` into the index in `part` until told to stop.
    It stops too if the parent is gone (killed, say), so it never holds the index folder's
    writer lock, inherited with the parent's open files, for longer than a poll interval."""

    def chunks() -> Iterable[list[SearchDocument]]:
        while True:
            try:
                chunk = tasks.get(timeout=WORKER_POLL_SECONDS)
            except queue.Empty:
                if os.getppid() != parent:
                    raise RuntimeError("the rebuild was abandoned") from None
                continue
            if chunk is None:
                return
            yield chunk

    try:
        part.mkdir()
        _write_chunks(part, chunks(), lambda count: reports.put(("progress", count)), limit_mb)
    except BaseException:  # reported to the parent, which raises it there
        reports.put(("failed", traceback.format_exc()))
        return
    reports.put(("finished", None))


def _join_parts(folder: Path, parts: list[Path]) -> None:
    """One index in `folder` made of every part's segments: their files moved in, and a
    table of contents listing them all."""
    segments = []
    schema = build_schema()
    for part in parts:
        ix = whoosh_index.open_dir(str(part), indexname=INDEX_NAME)
        found = ix._segments()
        ix.close()
        for segment in found:
            prefix = f"{segment.segment_id()}."
            for path in part.iterdir():
                if path.name.startswith(prefix):
                    os.replace(path, folder / path.name)
        segments.extend(found)
    storage = FileStorage(str(folder))
    TOC(schema, segments, 1).write(storage, INDEX_NAME)
