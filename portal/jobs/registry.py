"""Which function handles each kind of job, and which functions run on every pass.

Features register from their own modules with the `handler` and `periodic` decorators;
the runner imports every module named in `HANDLER_MODULES` before a pass, so a worker
knows every kind of job even if nothing else imported the feature.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

# Modules whose import registers handlers or periodic work. A feature that adds background
# work appends its module here, e.g. "portal.cases.closure" for the auto-close of cases.
HANDLER_MODULES: list[str] = [
    "portal.mail.delivery",
    "portal.mail.notices",
    "portal.search.jobs",
    "portal.surveys.service",
    "portal.cases.closure",
    "portal.staff.alerts",
    "portal.forums.watching",
    "portal.ideas.notify",
    "portal.mailgate.imap",
]

Handler = Callable[[dict[str, Any], datetime], None]
Periodic = Callable[[datetime], int]

_handlers: dict[str, Handler] = {}
_periodics: dict[str, Periodic] = {}
_frequent: set[str] = set()


class PermanentJobError(Exception):
    """Raised by a handler when retrying cannot help: the job is marked failed at once."""


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `fn(payload, now) -> None` as the handler for jobs of `kind`.

    A handler flushes but never commits: the runner commits its changes together with the
    job's `done` status, or rolls them back and schedules a retry if it raises.
    """

    def register(fn: Handler) -> Handler:
        _register(_handlers, kind, fn, "handler")
        return fn

    return register


def periodic(name: str, *, frequent: bool = False) -> Callable[[Periodic], Periodic]:
    """Register `fn(now) -> int` to run on every pass; it returns how many things it did.

    Several workers may run the same pass at once, so periodic work must be safe to
    repeat: select what is due and change it with conditional updates or enqueue jobs.
    A `frequent` task also runs about every second between passes; it must be cheap when
    there is nothing to do (the search index catching up with the change log is one).
    """

    def register(fn: Periodic) -> Periodic:
        _register(_periodics, name, fn, "periodic task")
        if frequent:
            _frequent.add(name)
        return fn

    return register


def _register(table: dict[str, Any], name: str, fn: Callable[..., Any], what: str) -> None:
    existing = table.get(name)
    # Re-importing a module (reloaders, importlib test mode) registers the same function again.
    if existing is not None and _qualified_name(existing) != _qualified_name(fn):
        raise ValueError(f"{what} {name!r} is already registered by {_qualified_name(existing)}")
    table[name] = fn


def _qualified_name(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def get_handler(kind: str) -> Handler | None:
    """The handler registered for `kind`, or None."""
    return _handlers.get(kind)


def periodic_tasks() -> list[tuple[str, Periodic]]:
    """Every periodic task as (name, function), in registration order."""
    return list(_periodics.items())


def frequent_tasks() -> list[tuple[str, Periodic]]:
    """The periodic tasks that also run between passes."""
    return [(name, fn) for name, fn in _periodics.items() if name in _frequent]


def load_handler_modules() -> None:
    """Import every module in HANDLER_MODULES so that their registrations run."""
    for module in HANDLER_MODULES:
        importlib.import_module(module)


@contextmanager
def isolated_registry() -> Iterator[None]:
    """Restore the registrations on exit, so a test's handlers do not leak into others."""
    load_handler_modules()
    handlers, periodics, frequent = dict(_handlers), dict(_periodics), set(_frequent)
    try:
        yield
    finally:
        _handlers.clear()
        _handlers.update(handlers)
        _periodics.clear()
        _periodics.update(periodics)
        _frequent.clear()
        _frequent.update(frequent)
