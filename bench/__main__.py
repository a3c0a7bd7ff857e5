"""`python -m bench` (`make bench`): every benchmark, one after another.

    python -m bench [--large]        # --large: kb_search's 100,000-article corpus as well

1. kb_search: index build rate and search latency against SQLite FTS5 (bench/kb_search.py),
   then evaluation: known-item MRR@10 on the Python and PostgreSQL manuals and the shipped KB
   against plain Whoosh BM25F and FTS5, with HTTP latency on the manuals
   (bench/evaluation.py);
2. load: the portal under gunicorn on PostgreSQL, each page and mixed traffic against the
   bare Flask page (bench/load.py, needs wrk);
3. data_scale: 100,000 cases, 1,000,000 messages, 10,000 articles, 100,000 forum posts on
   PostgreSQL, with query plans (bench/data_scale.py).

Every figure is a ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import sys

from bench import data_scale, evaluation, kb_search, load


def main(argv: list[str]) -> int:
    failures = 0
    for title, run in (
        ("KB search", lambda: kb_search.main(argv)),
        ("Search quality", lambda: evaluation.main([])),
        ("Load", lambda: load.main([])),
        ("Data scale", lambda: data_scale.main([])),
    ):
        print(f"\n===== {title} =====", flush=True)
        failures += bool(run())
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
