"""What the index holds, and where each kind of document comes from.

A feature makes its documents searchable in two steps:

1. Register a source in its own module, e.g. ``portal/forums/indexing.py``::

       from portal.search import SearchDocument, register_source

       def load_topics(keys: list[str]) -> list[SearchDocument]: ...  # only what may be found
       def all_topic_keys() -> Iterable[str]: ...

       register_source("topic", load_topics, all_topic_keys)

   and append the module's path to ``SOURCE_MODULES`` below.
2. Call ``record_change("topic", key, "upsert")`` (or ``"delete"``) in the same transaction
   as every change to such a document. A key that ``load`` does not return is dropped from
   the index, so unpublishing or hiding needs no special case.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Modules whose import registers a source ("portal.kb.indexing" for articles).
SOURCE_MODULES: list[str] = [
    "portal.kb.indexing",
    "portal.forums.indexing",
    "portal.docs.indexing",
]

TYPE_LABELS = {"article": "Article", "topic": "Forum thread", "doc": "Documentation"}


@dataclass(frozen=True)
class SearchDocument:
    """One searchable thing, in the engine-neutral shape every source returns."""

    type: str
    key: str
    title: str
    url: str
    summary: str = ""
    body: str = ""  # plain text (Markdown is fine: its punctuation is not indexed)
    tags: tuple[str, ...] = field(default_factory=tuple)
    product: str = ""
    versions: tuple[str, ...] = field(default_factory=tuple)
    # Index-time weight of every word of the document (Whoosh's document boost): above 1
    # ranks it higher than an equal match, as a solved forum thread is.
    boost: float = 1.0

    @property
    def uid(self) -> str:
        return f"{self.type}:{self.key}"


@dataclass(frozen=True)
class Source:
    doc_type: str
    load: Callable[[list[str]], list[SearchDocument]]
    all_keys: Callable[[], Iterable[str]]


_sources: dict[str, Source] = {}


def register_source(
    doc_type: str,
    load: Callable[[list[str]], list[SearchDocument]],
    all_keys: Callable[[], Iterable[str]],
) -> None:
    """Make documents of `doc_type` indexable; registering the same type again replaces it."""
    _sources[doc_type] = Source(doc_type, load, all_keys)


def sources() -> dict[str, Source]:
    """Every registered source, after importing the modules that register them."""
    for module in SOURCE_MODULES:
        importlib.import_module(module)
    return dict(_sources)


def type_label(doc_type: str) -> str:
    return TYPE_LABELS.get(doc_type, doc_type.replace("_", " ").capitalize())
