"""The job runner's share of search: every pass applies new change-log rows to this server's
index (each server runs its own runner, so each server's index follows the database)."""

from __future__ import annotations

from datetime import datetime

from portal.jobs import periodic
from portal.search.index import catch_up


@periodic("search.catch_up")
def catch_up_index(now: datetime) -> int:
    # Wait a little for a web request that is applying a publish; it is quick.
    return catch_up(wait=5.0)
