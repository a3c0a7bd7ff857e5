"""Reading the index: one cached searcher per index folder, refreshed when the index changes.

Opening a Whoosh searcher reads every segment's metadata, so a web process keeps one and
reuses it, together with the posting lists its queries have decoded (`scoring.Postings`).
Another process (the job runner) may commit at any time, and a rebuild may swap in a new
index generation (`index.live_folder`); the searcher checks for either at most every
`REFRESH_SECONDS`, and at once after this process wrote the index itself. Searches on one
searcher are serialised by a lock: a Whoosh searcher is not meant to be shared by threads
running at the same moment.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from portal.search.index import INDEX_NAME, index_exists, live_folder, on_index_changed
from portal.search.scoring import Postings

REFRESH_SECONDS = 0.2  # a stat of the index folder; a change elsewhere shows this soon
MAX_OPEN = 4  # index folders kept open per process (tests use a folder each)
CACHED_ANSWERS = 256  # repeated searches (paging back, history, popular questions) are free


class _OpenSearcher:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.live: Path | None = None  # the generation the searcher reads
        self.lock = threading.Lock()
        self.searcher: Searcher | None = None
        self.postings: Postings | None = None  # decoded posting lists for this searcher
        self.checked_at = 0.0
        self.stale = True
        # Recent answers for this searcher's view of the index; emptied when it is replaced.
        self.answers: OrderedDict[Hashable, Any] = OrderedDict()

    def current(self) -> Searcher | None:
        """The searcher, refreshed if the index may have changed; call with the lock held."""
        now = time.monotonic()
        if self.searcher is None:
            if not index_exists(Path(self.folder)):
                return None
            self._open()
        elif (self.stale or now - self.checked_at >= REFRESH_SECONDS) and not index_exists(
            Path(self.folder)
        ):
            # The folder was deleted under us: answer "rebuilding" until the runner's catch-up
            # has built it again from the database, rather than from files no longer there.
            self.searcher.close()
            self.searcher = None
            self.postings = None
            self.answers.clear()
            return None
        elif (self.stale or now - self.checked_at >= REFRESH_SECONDS) and (
            live_folder(Path(self.folder)) != self.live or not self.searcher.up_to_date()
        ):
            # A fresh searcher, not Searcher.refresh(): whoosh-reloaded 2.7.5's reader reuse
            # keeps segments that a merge or a delete has since removed.
            self.searcher.close()
            self._open()
        self.checked_at = now
        self.stale = False
        return self.searcher

    def _open(self) -> None:
        self.live = live_folder(Path(self.folder))
        self.searcher = whoosh_index.open_dir(str(self.live), indexname=INDEX_NAME).searcher()
        self.postings = Postings(self.searcher)
        self.answers.clear()

    def remembered(self, key: Hashable) -> Any:
        """A cached answer for `key` (None if there is none); call with the lock held."""
        answer = self.answers.get(key)
        if answer is not None:
            self.answers.move_to_end(key)
        return answer

    def remember(self, key: Hashable, answer: Any) -> None:
        self.answers[key] = answer
        while len(self.answers) > CACHED_ANSWERS:
            self.answers.popitem(last=False)

    def close(self) -> None:
        with self.lock:
            if self.searcher is not None:
                self.searcher.close()
                self.searcher = None
                self.postings = None


_open: OrderedDict[str, _OpenSearcher] = OrderedDict()
_registry_lock = threading.Lock()


def _entry(folder: str) -> _OpenSearcher:
    with _registry_lock:
        entry = _open.get(folder)
        if entry is None:
            entry = _open[folder] = _OpenSearcher(folder)
            while len(_open) > MAX_OPEN:
                _, oldest = _open.popitem(last=False)
                oldest.close()
        else:
            _open.move_to_end(folder)
        return entry


@contextmanager
def open_searcher(folder: str) -> Iterator[tuple[Searcher | None, _OpenSearcher]]:
    """The folder's searcher for one search (None if there is no index yet), and its cache."""
    entry = _entry(folder)
    with entry.lock:
        yield entry.current(), entry


def _mark_stale(folder: str) -> None:
    with _registry_lock:
        entry = _open.get(folder)
    if entry is not None:
        entry.stale = True


def close_all() -> None:
    """Close every cached searcher (tests, and before deleting an index folder)."""
    with _registry_lock:
        entries = list(_open.values())
        _open.clear()
    for entry in entries:
        entry.close()


on_index_changed(_mark_stale)
