"""Writes that may wait a moment, gathered in memory and written together.

Some rows record what readers did rather than what anyone decided: an article read, a
search typed. Writing each as it happens makes every reading a database write, and a write
on a public page costs more than rendering it. A `WriteBehind` keeps such items in this
process and writes them in one transaction at most every `seconds`: from a thread of its
own, so a quiet server writes them too, and at the latest when the process exits. With
`seconds` at 0 each item is written at once, inside the request's own transaction (the
tests' setting).

What is lost: the items of the last `seconds` before a process is killed outright. Each
writer must also accept that items from different processes arrive in any order and a
little late; the search log's writes are upserts for that reason (portal/kb/search_log.py).
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from flask import Flask, current_app

from portal.extensions import db

log = logging.getLogger(__name__)
T = TypeVar("T")


class WriteBehind(Generic[T]):
    """Items of one kind, written together by `write` (which executes on `db.session`)."""

    def __init__(
        self, app: Flask, name: str, seconds: float, write: Callable[[Sequence[T]], None]
    ) -> None:
        self.app = app
        self.name = name
        self.seconds = seconds
        self.write = write
        self._pending: list[T] = []
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None
        self._stopped = threading.Event()

    def add(self, item: T) -> None:
        """Keep `item` to be written; with no interval, write it now in this transaction."""
        if self.seconds <= 0:
            self.write([item])
            return
        with self._lock:
            self._pending.append(item)
            if self._writer is None or not self._writer.is_alive():
                self._start()

    def write_pending(self) -> None:
        """Write what this process holds now, in the current transaction (a request that
        must see its own earlier items, such as filing a case after searching)."""
        items = self._take()
        if items:
            self.write(items)

    def _take(self) -> list[T]:
        with self._lock:
            items, self._pending = self._pending, []
        return items

    def _start(self) -> None:
        self._writer = threading.Thread(
            target=self._run, name=f"write-behind-{self.name}", daemon=True
        )
        self._writer.start()
        atexit.register(self._write_on_exit)

    def _run(self) -> None:
        while not self._stopped.wait(self.seconds):
            self._write_in_own_transaction()

    def _write_on_exit(self) -> None:
        self._stopped.set()
        self._write_in_own_transaction()

    def _write_in_own_transaction(self) -> None:
        items = self._take()
        if not items:
            return
        with self.app.app_context():
            try:
                self.write(items)
                db.session.commit()
            except Exception:
                # These rows record what readers did; losing a second of them must not stop
                # the next second's being written.
                db.session.rollback()
                log.exception("%d %s could not be written", len(items), self.name)
            finally:
                db.session.remove()


def writer(key: str, seconds_setting: str, write: Callable[[Sequence[T]], None]) -> WriteBehind[T]:
    """The current app's `WriteBehind` called `key`, made on first use, writing every
    `seconds_setting` seconds (a configuration key)."""
    extensions = current_app.extensions
    found = extensions.get(key)
    if found is None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        seconds = float(app.config.get(seconds_setting, 0) or 0)
        found = extensions.setdefault(key, WriteBehind(app, key, seconds, write))
    return found
