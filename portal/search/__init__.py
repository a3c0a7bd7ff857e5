"""Full-text search over every kind of document (articles, forum threads, documentation).

The engine (Whoosh) stays behind this interface; features use only these names:

- ``search(q, *, product=None, tag=None, type=None, page=1, per_page=10) -> SearchPage``
- ``suggest(text, limit=5, *, type=None, exclude=None) -> list[SearchHit]``
- ``record_change(doc_type, key, action="upsert"|"delete")`` in the changing transaction,
  then optionally ``apply_now()`` after the commit for "searchable within a second".
- ``register_source(doc_type, load, all_keys)`` plus an entry in ``SOURCE_MODULES``.
- ``catch_up()`` (the job runner), ``plan_rebuild()`` / ``rebuild()`` (``flask kb reindex``).
"""

from portal.search.changes import apply_now, record_change
from portal.search.documents import (
    SOURCE_MODULES,
    SearchDocument,
    register_source,
    type_label,
)
from portal.search.engine import (
    REBUILDING_MESSAGE,
    SearchHit,
    SearchPage,
    parse_page,
    search,
    suggest,
)
from portal.search.index import catch_up, plan_rebuild, rebuild
from portal.search.query import MAX_QUERY_CHARS, Filters
from portal.search.searcher import close_all

__all__ = [
    "MAX_QUERY_CHARS",
    "REBUILDING_MESSAGE",
    "SOURCE_MODULES",
    "Filters",
    "SearchDocument",
    "SearchHit",
    "SearchPage",
    "apply_now",
    "catch_up",
    "close_all",
    "parse_page",
    "plan_rebuild",
    "rebuild",
    "record_change",
    "register_source",
    "search",
    "suggest",
    "type_label",
]
