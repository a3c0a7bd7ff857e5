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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from whoosh import index as whoosh_index
from whoosh.index import Index

from portal.extensions import db
from portal.models.search import SearchChange
from portal.models.types import utcnow
from portal.search import bulk
from portal.search.bulk import COMPOUND, INDEX_NAME
from portal.search.documents import SearchDocument, Source, sources
from portal.search.schema import Analysed, PreAnalyzed, build_schema, index_fields

MARK_FILE = "catchup.json"
LOCK_FILE = "writer.lock"
CURRENT_FILE = "CURRENT"
GENERATION_PREFIX = "gen-"
SETTLE_SECONDS = 15
BATCH = 500
log = logging.getLogger(__name__)
REBUILD_CHUNK = 1_000  # documents read from a source per query during a rebuild

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
        # In this process: a job runner or a web request may have threads that a forked
        # worker would copy mid-step (`kb reindex` is where a rebuild runs in parallel).
        applied_count += rebuild(workers=1)
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
    workers: int | None = None,
) -> int:
    """Replace the index with every document the sources hold; returns how many were indexed.

    The new index is built in a generation folder of its own while searches go on using the
    live one, and swapped in when complete; a failed rebuild leaves the live index as it was.
    The documents are read here `chunk` at a time and indexed by `workers` processes (by
    default one per CPU for a large index, see `bulk.worker_count`), each writing segments
    of its own (`bulk.build`); nothing is merged afterwards.
    """
    plan = plan or plan_rebuild()
    root = index_dir()
    registered = sources()

    def chunks() -> Iterator[list[SearchDocument]]:
        for doc_type, keys in plan.keys.items():
            for start in range(0, len(keys), chunk):
                batch = keys[start : start + chunk]
                documents = _load(registered[doc_type], batch)
                if progress and len(documents) < len(batch):
                    progress(len(batch) - len(documents))  # unpublished since: nothing to do
                yield documents

    with writer_lock(root, None):
        previous = live_folder(root)
        name = f"{GENERATION_PREFIX}{time.time_ns():x}"
        folder = root / name
        folder.mkdir()
        try:
            indexed = bulk.build(
                folder,
                chunks(),
                workers=bulk.worker_count(plan.total) if workers is None else workers,
                progress=progress,
            )
            _write_mark(folder, plan.mark)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _swap_to(root, name)
        _prune(root, {name, "" if previous == root else previous.name})
        _changed(root)
    return indexed
