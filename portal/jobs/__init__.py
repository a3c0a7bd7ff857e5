"""Durable background work: a job table in the database and a runner that drains it.

Adding background work to a feature:

1. In the feature's own module (say ``portal/cases/closure.py``)::

       from portal.jobs import enqueue, handler, periodic

       @handler("cases.notify")
       def notify(payload: dict, now: datetime) -> None: ...   # flush, never commit

       @periodic("cases.auto_close")
       def auto_close(now: datetime) -> int: ...                # returns how much it did

   and call ``enqueue("cases.notify", {...})`` in the same transaction as the change.
2. Append the module's path to ``HANDLER_MODULES`` in ``portal/jobs/registry.py`` so a
   worker imports it before its first pass.

Jobs are run by ``flask jobs run`` (one pass) or ``flask jobs worker`` (continuously).
"""

from portal.jobs.queue import enqueue
from portal.jobs.registry import HANDLER_MODULES, PermanentJobError, handler, periodic

__all__ = ["HANDLER_MODULES", "PermanentJobError", "enqueue", "handler", "periodic"]
