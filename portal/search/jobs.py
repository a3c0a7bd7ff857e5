"""The job runner's share of search: about every half second it applies new change-log rows to this
server's index (each server runs its own runner, so each server's index follows the database
and a publish on one server is searchable on all within about a second)."""

from __future__ import annotations

from datetime import datetime

from portal.jobs import periodic
from portal.search.index import catch_up


@periodic("search.catch_up", frequent=True)
def catch_up_index(now: datetime) -> int:
    # Wait a moment for a web request that is applying a publish (it is quick); a rebuild
    # holds the lock for minutes, and the next round catches up after it.
    return catch_up(wait=0.5)
