"""Writing the index: catching up from the change log, and rebuilding from the database.

Whoosh allows one writer per index, so every write here happens under an exclusive file
lock in the index folder (`writer.lock`). Two kinds of process take it:

- the job runner's periodic `search.catch_up` (every server runs one, so every server's own
  index follows the shared change log), and
- a web request that has just committed a publish: it calls `catch_up(wait=...)` so the edit
  is searchable on this server at once, instead of at the next runner pass. If the lock
  stays busy for longer than `wait`, it gives up quietly; the runner applies it shortly.

The index folder (`INDEX_DIR`, one per server) holds the lock, a `CURRENT` file naming the
live generation, and the generation folders themselves (`gen-<time>`). A rebuild writes a
new generation beside the live one while searches keep using the live one, then swaps
`CURRENT` atomically (write and rename); searchers in every process of that server check
`CURRENT` when they check for a newer index and move to the new generation. The previous
generation stays on disk until the next rebuild, so a searcher still reading it is never cut
off. An index from before generations (Whoosh files directly in `INDEX_DIR`) is read as the
live one until the first rebuild replaces it.

The high-water mark (the last change-log id applied) lives in `catchup.json` inside the
generation, so it always describes that index: delete the folder and the mark goes with it.

Change-log ids come from a sequence. On PostgreSQL a transaction can commit a lower id after
a higher one is already visible, so the mark only moves past changes older than
`SETTLE_SECONDS`. Younger changes already applied are listed beside the mark, so a later
pass applies only what it has not seen, including a late-committed lower id.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
from array import array
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, _lenfield
from whoosh.index import Index
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from portal.extensions import db
from portal.models.search import SearchChange
from portal.models.types import utcnow
from portal.search.documents import SearchDocument, Source, sources
from portal.search.schema import Analysed, PreAnalyzed, build_schema, index_fields

MARK_FILE = "catchup.json"
LOCK_FILE = "writer.lock"
CURRENT_FILE = "CURRENT"
GENERATION_PREFIX = "gen-"
SETTLE_SECONDS = 15
BATCH = 500
log = logging.getLogger(__name__)
INDEX_NAME = "MAIN"
REBUILD_CHUNK = 1_000  # documents read from a source per query during a rebuild
REBUILD_LIMIT_MB = 256  # a rebuild's in-memory posting pool before it writes a segment
# Plain files per segment, not Whoosh's compound file: a searcher opening a compound segment
# copies each part into memory, which at 100,000 articles delays the first search after every
# publish by a noticeable fraction of a second. Queries run as fast either way.
COMPOUND = False

_listeners: list[Callable[[str], None]] = []


def index_dir() -> Path:
    return Path(current_app.config["INDEX_DIR"])


def live_folder(root: Path) -> Path:
    """The folder holding the live index of the index folder `root`."""
    try:
        name = (root / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return root
    if name.startswith(GENERATION_PREFIX) and "/" not in name and (root / name).is_dir():
        return root / name
    return root


def _swap_to(root: Path, name: str) -> None:
    """Make generation `name` the live one, atomically for every reader of `CURRENT`."""
    temporary = root / f"{CURRENT_FILE}.tmp"
    temporary.write_text(name, encoding="utf-8")
    os.replace(temporary, root / CURRENT_FILE)


def _prune(root: Path, keep: set[str]) -> None:
    """Remove generations other than `keep`, and files of a pre-generation index unless kept."""
    for path in root.iterdir():
        if path.is_dir() and path.name.startswith(GENERATION_PREFIX) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
        elif (
            "" not in keep
            and path.is_file()
            and (
                path.name.startswith((f"{INDEX_NAME}_", f"_{INDEX_NAME}_"))
                or path.name == MARK_FILE
            )
        ):
            path.unlink(missing_ok=True)


def on_index_changed(listener: Callable[[str], None]) -> None:
    """Call `listener(index_dir)` after this process commits to an index (searchers refresh)."""
    _listeners.append(listener)


def _changed(folder: Path) -> None:
    for listener in _listeners:
        listener(str(folder))


@contextmanager
def writer_lock(folder: Path, wait: float | None) -> Iterator[bool]:
    """Hold the index's writer lock; yields False if it stayed busy for `wait` seconds.

    `wait=None` blocks until the lock is free.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+") as handle:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                flags = fcntl.LOCK_EX if deadline is None else fcntl.LOCK_EX | fcntl.LOCK_NB
                fcntl.flock(handle, flags)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.02)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class CatchUpState:
    """How far this index has caught up: every change up to `mark`, plus the younger
    (still settling) changes in `applied`, so none of them is applied twice."""

    mark: int = 0
    applied: frozenset[int] = frozenset()


def read_state(folder: Path) -> CatchUpState:
    """How far the live index of `folder` (an index folder or a generation) has caught up."""
    try:
        data = json.loads((live_folder(folder) / MARK_FILE).read_text())
        mark = int(data["mark"])
        applied = frozenset(int(i) for i in data.get("applied", ()) if int(i) > mark)
    except (OSError, ValueError, KeyError, TypeError):
        return CatchUpState()
    return CatchUpState(mark, applied)


def _write_state(folder: Path, state: CatchUpState) -> None:
    temporary = folder / f"{MARK_FILE}.tmp"
    temporary.write_text(json.dumps({"mark": state.mark, "applied": sorted(state.applied)}))
    os.replace(temporary, folder / MARK_FILE)


def _write_mark(folder: Path, mark: int) -> None:
    _write_state(folder, CatchUpState(mark))


def _open_or_create(folder: Path) -> Index:
    if whoosh_index.exists_in(str(folder), indexname=INDEX_NAME):
        return whoosh_index.open_dir(str(folder), indexname=INDEX_NAME)
    return whoosh_index.create_in(str(folder), build_schema(), indexname=INDEX_NAME)


def index_exists(folder: Path) -> bool:
    """Whether the index folder `folder` has a live index."""
    live = live_folder(folder)
    return live.is_dir() and whoosh_index.exists_in(str(live), indexname=INDEX_NAME)


def _load(source: Source, keys: list[str]) -> list[SearchDocument]:
    wanted = set(keys)
    return [doc for doc in source.load(keys) if doc.key in wanted]


def _fields_for(ix: Index) -> Callable[[SearchDocument], dict[str, object]]:
    """`index_fields`, limited to the fields of `ix`'s schema: an index built by an older
    version keeps catching up (with what it can hold) until `kb reindex` rebuilds it."""
    names = set(ix.schema.names())
    if names >= set(build_schema().names()):
        return index_fields
    schema = ix.schema

    def fields(doc: SearchDocument) -> dict[str, object]:
        found = index_fields(doc)
        kept: dict[str, object] = {}
        for name, value in found.items():
            if name.startswith("_stored_"):
                continue
            if name.startswith("_") or name in names:
                if isinstance(value, Analysed) and not isinstance(schema[name], PreAnalyzed):
                    value = found.get(f"_stored_{name}", "")  # an older plain TEXT field
                elif f"_stored_{name}" in found:
                    kept[f"_stored_{name}"] = found[f"_stored_{name}"]
                kept[name] = value
        return kept

    return fields


def catch_up(*, wait: float | None = 0.0, now: datetime | None = None) -> int:
    """Apply change-log rows this index has not applied yet; returns how many were applied.

    Returns 0 without waiting longer than `wait` seconds if another writer holds the lock.
    Cheap when there is nothing new (one small query), so runners call it every second.
    """
    root = index_dir()
    now = now or utcnow()
    settle_before = now - timedelta(seconds=SETTLE_SECONDS)
    applied_count = 0
    if not index_exists(root):
        # Lost (the folder deleted) or never built: build it from the database, then apply
        # whatever changed since the rebuild's mark below.
        log.warning("search index missing in %s; rebuilding it from the database", root)
        applied_count += rebuild()
    with writer_lock(root, wait) as acquired:
        if not acquired:
            return 0
        folder = live_folder(root)
        registered = sources()
        state = read_state(folder)
        mark, applied = state.mark, set(state.applied)
        settled, after = True, mark
        while True:
            rows = list(
                db.session.scalars(
                    select(SearchChange)
                    .where(SearchChange.id > after)
                    .order_by(SearchChange.id)
                    .limit(BATCH)
                )
            )
            if not rows:
                break
            fresh = [row for row in rows if row.id not in applied]
            if fresh:
                _apply(root, folder, fresh, registered)
                applied.update(row.id for row in fresh)
                applied_count += len(fresh)
            for row in rows:  # the mark moves over changes old enough not to be overtaken
                settled = settled and row.created_at <= settle_before
                if settled:
                    mark = row.id
            after = rows[-1].id
        new_state = CatchUpState(mark, frozenset(i for i in applied if i > mark))
        if new_state != state:
            _write_state(folder, new_state)
    return applied_count


def _apply(
    root: Path, folder: Path, rows: list[SearchChange], registered: dict[str, Source]
) -> None:
    latest: dict[tuple[str, str], str] = {}
    for row in rows:
        latest[(row.doc_type, row.doc_key)] = row.action
    ix = _open_or_create(folder)
    fields = _fields_for(ix)
    writer = ix.writer(timeout=30, compound=COMPOUND)
    try:
        by_type: dict[str, list[str]] = {}
        for (doc_type, key), action in latest.items():
            writer.delete_by_term("uid", f"{doc_type}:{key}")
            if action == "upsert" and doc_type in registered:
                by_type.setdefault(doc_type, []).append(key)
        for doc_type, keys in by_type.items():
            for doc in _load(registered[doc_type], keys):
                writer.add_document(**fields(doc))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    _changed(root)


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


_FREQUENCY_VALUES: dict[int, bytes] = {}  # a frequency's stored posting value, once each


class _TermPool:
    """A rebuild's postings grouped by field and term as documents are added.

    Whoosh's own pool keeps one tuple per posting, sorts them all (spilling runs to disk) and
    hands them to the codec one call per posting. Documents arrive in document order, so a
    term's postings are already sorted: here they are appended to the term's arrays, and
    `write_postings` sorts only the terms and passes each posting block to the codec whole.
    """

    def __init__(self) -> None:
        # field → term → (document numbers, weights, values, whether the weights are ints)
        self.fields: dict[str, dict[bytes, tuple[array, array, list[bytes], bool]]] = {}
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
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        length, vbytes = 0, None
        value_of = _FREQUENCY_VALUES
        for term, freq in counts.items():
            btext = term.encode("utf-8")
            entry = terms.get(btext)
            if entry is None:
                entry = terms[btext] = (array("I"), array("d"), [], False)
                self.terms += 1
            vbytes = value_of.get(freq) or value_of.setdefault(freq, pack_uint(freq))
            entry[0].append(docnum)
            entry[1].append(float(freq) * boost)
            entry[2].append(vbytes)
            length += freq
        self.postings += len(counts)
        return length, vbytes

    @property
    def size_mb(self) -> float:
        """Roughly how much memory the pool holds."""
        return (self.postings * 24 + self.terms * 300) / 1_048_576

    def cleanup(self) -> None:
        self.fields.clear()


def write_postings(fieldwriter: object, schema: object, pool: _TermPool, lengths: _Lengths) -> None:
    """Write the pool through the codec's posting writer a block at a time: the same blocks,
    statistics and term table as Whoosh's `add_postings`, without a call per posting."""
    for fieldname in sorted(pool.fields):
        terms = pool.fields[fieldname]
        table = lengths.table(fieldname)
        known = len(table)
        fieldwriter.start_field(fieldname, schema[fieldname])
        for btext in sorted(terms):
            ids, weights, values, whole = terms[btext]
            fieldwriter.start_term(btext)
            writer = fieldwriter._postwriter
            limit = writer._blocklimit
            count = len(ids)
            for start in range(0, count, limit):
                end = min(start + limit, count)
                block = ids[start:end]
                block_weights = weights[start:end]
                # What add_posting would gather: non-zero lengths, non-empty values, and
                # the largest weight before it is stored in single precision.
                found = [table[d] for d in block if d < known]
                found = [length for length in found if length]
                writer._ids = block
                writer._weights = array("f", block_weights)
                writer._values = [v for v in values[start:end] if v]
                heaviest = max(0, max(block_weights))
                writer._maxweight = int(heaviest) if whole else heaviest
                writer._minlength = min(found) if found else None
                writer._maxlength = max(found) if found else 0
                if end < count:
                    writer._write_block()
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _bulk_writer(ix: Index) -> SegmentWriter:
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
    `PreAnalyzed` field's counts go into the pool a field at a time (`_TermPool.add_counts`)."""
    pool: _TermPool = writer.pool
    schema = writer.schema
    perdoc = writer.perdocwriter

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
                        for tbytes, freq, weight, vbytes in field.index(value):
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


@dataclass
class RebuildPlan:
    keys: dict[str, list[str]]
    mark: int

    @property
    def total(self) -> int:
        return sum(len(keys) for keys in self.keys.values())


def plan_rebuild() -> RebuildPlan:
    """What a rebuild will index. The mark is taken first: later changes are applied after."""
    settled_before = utcnow() - timedelta(seconds=SETTLE_SECONDS)
    mark = (
        db.session.scalar(
            select(func.max(SearchChange.id)).where(SearchChange.created_at <= settled_before)
        )
        or 0
    )
    keys = {name: list(source.all_keys()) for name, source in sources().items()}
    return RebuildPlan(keys, mark)


def rebuild(
    plan: RebuildPlan | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = REBUILD_CHUNK,
) -> int:
    """Replace the index with every document the sources hold; returns how many were indexed.

    The new index is built in a generation folder of its own while searches go on using the
    live one, and swapped in when complete; a failed rebuild leaves the live index as it was.
    Text is analysed once (`schema.index_fields`), postings pool in memory by term
    (`_TermPool`) and are written a block at a time; a pool past `REBUILD_LIMIT_MB` is written
    as a segment and the next one begins (one segment up to tens of thousands of articles),
    and nothing is merged afterwards.
    """
    plan = plan or plan_rebuild()
    root = index_dir()
    registered = sources()
    indexed = 0
    with writer_lock(root, None):
        previous = live_folder(root)
        name = f"{GENERATION_PREFIX}{time.time_ns():x}"
        folder = root / name
        folder.mkdir()
        try:
            ix = whoosh_index.create_in(str(folder), build_schema(), indexname=INDEX_NAME)
            writer = _bulk_writer(ix)
            try:
                add = writer.add_document
                for doc_type, keys in plan.keys.items():
                    for start in range(0, len(keys), chunk):
                        batch = keys[start : start + chunk]
                        for doc in _load(registered[doc_type], batch):
                            add(**index_fields(doc))
                            indexed += 1
                        if writer.pool.size_mb > REBUILD_LIMIT_MB:
                            # Memory stays bounded: this segment is written, the next begins.
                            writer.commit(merge=False)
                            writer = _bulk_writer(ix)
                            add = writer.add_document
                        if progress:
                            progress(len(batch))
            except BaseException:
                writer.cancel()
                raise
            writer.commit(merge=False)
            ix.close()
            _write_mark(folder, plan.mark)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _swap_to(root, name)
        _prune(root, {name, "" if previous == root else previous.name})
        _changed(root)
    return indexed
