"""KB search benchmark: index build rate and search latency, Whoosh against SQLite FTS5.

    python -m bench [--large] [--sizes 10000,100000] [--queries 300]

For each corpus size: generate articles (bench/corpus.py), store them through the portal's
models, build the index with `portal.search.rebuild`, then time warm searches

- in-process: `portal.search.search(q)` (ranked page of 10, total, highlighted excerpts,
  did-you-mean) and `portal.search.suggest(q)` (the case-filing panel);
- over HTTP (the Flask test client: routing, templates, JSON; no sockets): the active-search
  fragment `GET /kb/?q=` with `HX-Request: true`, and `GET /api/v1/kb/search?q=`;
- SQLite FTS5 on the same articles (porter stemmer, bm25 with the same field weights), with a
  comparable OR query: top 10 by rank with snippets, plus the total count.

and prints p50/p95 and the ratio of each to FTS5's in-process p95.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bench.corpus import CorpusModel, GeneratedArticle

FTS_WEIGHTS = (4.0, 2.0, 2.5, 1.0)  # title, summary, tags, body: as portal.search's boosts


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(fn: Callable[[str], object], queries: list[str], warmup: int = 20) -> tuple[float, float]:
    """p50 and p95 in ms; the warm-up queries are not among the measured ones.

    Every measure starts from a newly opened searcher, so none is served answers or decoded
    posting lists that an earlier measure left behind.
    """
    from portal import search

    search.close_all()
    for query in queries[:warmup]:
        fn(query)
    samples = []
    for query in queries[warmup:]:
        start = time.perf_counter()
        fn(query)
        samples.append((time.perf_counter() - start) * 1000)
    return percentile(samples, 0.5), percentile(samples, 0.95)


def _make_app(folder: Path):  # noqa: ANN202 - a Flask app
    from portal import create_app
    from portal.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "INDEX_DIR": str(folder / "index"),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
    return app


def _store(articles: Iterable[GeneratedArticle]) -> int:
    """Insert the articles in bulk (the service's per-edit revisions are not what is measured)."""
    from sqlalchemy import insert

    from portal.extensions import db
    from portal.models import Article
    from portal.models.types import utcnow

    now = utcnow()
    rows = [
        {
            "slug": a.slug,
            "title": a.title,
            "summary": a.summary,
            "product": a.product,
            "versions": a.versions,
            "tags": a.tags,
            "body": a.body,
            "status": "published",
            "created_at": now,
            "updated_at": now,
            "published_at": now,
        }
        for a in articles
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Article), rows[start : start + 5000])
    db.session.commit()
    return len(rows)


def _fts(folder: Path, articles: list[GeneratedArticle]) -> tuple[sqlite3.Connection, float]:
    connection = sqlite3.connect(folder / "fts.db")
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, summary, tags, body, tokenize='porter')"
    )
    start = time.perf_counter()
    connection.executemany(
        "INSERT INTO docs (title, summary, tags, body) VALUES (?, ?, ?, ?)",
        [(a.title, a.summary, " ".join(a.tags), a.body) for a in articles],
    )
    connection.commit()
    connection.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    connection.commit()
    return connection, time.perf_counter() - start


def _fts_search(connection: sqlite3.Connection) -> Callable[[str], object]:
    from portal.search.query import words

    weights = ", ".join(str(w) for w in FTS_WEIGHTS)

    def run(query: str) -> object:
        terms = words(query)
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
        rows = connection.execute(
            f"SELECT title, snippet(docs, 3, '<mark>', '</mark>', ' … ', 24) FROM docs "
            f"WHERE docs MATCH ? ORDER BY bm25(docs, {weights}) LIMIT 10",
            (match,),
        ).fetchall()
        total = connection.execute(
            "SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)
        ).fetchone()[0]
        return rows, total

    return run


def run_size(model: CorpusModel, size: int, queries: list[str]) -> dict[str, float]:
    from portal import search
    from portal.extensions import db

    print(f"\n== {size:,} articles ==", flush=True)
    articles = list(model.articles(size))
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        folder = Path(tmp)
        app = _make_app(folder)
        with app.app_context():
            _store(articles)
            start = time.perf_counter()
            indexed = search.rebuild()
            build = time.perf_counter() - start
            print(f"Whoosh build: {indexed:,} docs in {build:.1f}s ({indexed / build:,.0f} docs/s)")
            connection, fts_build = _fts(folder, articles)
            print(
                f"FTS5 build:   {size:,} docs in {fts_build:.1f}s ({size / fts_build:,.0f} docs/s)"
            )
            print(
                f"Whoosh build rate / FTS5 build rate: {indexed / build / (size / fts_build):.3f}"
            )

            client = app.test_client()
            hx = {"HX-Request": "true"}
            measures: dict[str, tuple[float, float]] = {
                "whoosh search()": timed(lambda q: search.search(q), queries),
                "whoosh suggest()": timed(lambda q: search.suggest(q), queries),
                "HTTP /kb/ fragment": timed(
                    lambda q: client.get("/kb/", query_string={"q": q}, headers=hx), queries
                ),
                "HTTP /api/v1/kb/search": timed(
                    lambda q: client.get("/api/v1/kb/search", query_string={"q": q}), queries
                ),
                "FTS5 in-process": timed(_fts_search(connection), queries),
            }
            connection.close()
            search.close_all()
            db.session.remove()
            db.engine.dispose()
    fts_p95 = measures["FTS5 in-process"][1]
    print(f"{'measure':26} {'p50 ms':>8} {'p95 ms':>8} {'p95 / FTS5 p95':>15}")
    for name, (p50, p95) in measures.items():
        print(f"{name:26} {p50:8.2f} {p95:8.2f} {p95 / fts_p95:15.2f}")
    return {name: p95 / fts_p95 for name, (_, p95) in measures.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated corpus sizes")
    parser.add_argument("--large", action="store_true", help="also run 100,000 articles")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.large and 100_000 not in sizes:
        sizes.append(100_000)
    os.environ.setdefault("PORTAL_RATELIMIT_ENABLED", "false")
    model = CorpusModel()
    queries = model.queries(args.queries)
    ratios = {size: run_size(model, size, queries) for size in sizes}
    print(
        "\nHTTP fragment p95 / FTS5 p95: "
        + ", ".join(f"{size:,}: {r['HTTP /kb/ fragment']:.2f}" for size, r in ratios.items())
    )
    print("Targets: <= 1.0 at 10,000 articles, <= 2.0 at 100,000.")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
