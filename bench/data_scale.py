"""Data-scale benchmark: the pages staff and customers use, on a big PostgreSQL database.

    python -m bench.data_scale [--cases 100000 --messages 1000000 --articles 10000
                                --topics 20000 --posts 100000] [--requests 40]
                               [--database NAME]

Fills a temporary PostgreSQL database with `flask demo bulk`, indexes it, then times each
page in process (the Flask test client: routing, queries, templates, no sockets): the staff
queue in every view and filter, first and last page; a customer's case list; the case page
with 200 messages; the dashboard; KB search. It prints p50 and p95 per page, as ms and as a
ratio of the bare Flask page timed in the same run, against the 100 ms p95 target, and the
query plan (EXPLAIN ANALYZE) of each page's slowest statement.

With --database NAME the database is kept: the first run creates and fills it, later runs
migrate it (new indexes apply) and measure again without re-filling.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import servers
from bench.kb_search import percentile

TARGET_P95_MS = 100.0


def _plan(connection, statement: str, parameters) -> list[str]:  # noqa: ANN001
    rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
    return [row[0] for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--topics", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument(
        "--database",
        help="keep the database under this name and reuse it when it is already filled",
    )
    args = parser.parse_args(argv)
    if not servers.postgres_available():
        print(f"data-scale benchmark skipped: no PostgreSQL at {servers.ADMIN_URL}")
        return 0
    if args.database:
        folder = Path(tempfile.gettempdir()) / f"portal-scale-{args.database}"
        url = servers.kept_postgres(args.database)
        env = servers.portal_env(url, folder)
        if _filled(url, folder):
            started = time.monotonic()
            servers.flask(env, "db", "upgrade")
            _vacuum(url)  # the statistics of indexes the upgrade added
            print(
                f"reusing {args.database} (migrated and vacuumed in "
                f"{time.monotonic() - started:.0f} s)"
            )
            return _measure(env, args.requests)
        url = servers.kept_postgres(args.database, fresh=True)  # an unfinished fill starts over
        env = servers.portal_env(url, folder)
        _fill(env, args)
        (folder / "filled").write_text(f"{args}\n", encoding="utf-8")
        return _measure(env, args.requests)
    folder = Path(tempfile.mkdtemp(prefix="portal-scale-"))
    with servers.temporary_postgres("portal_scale") as url:
        env = servers.portal_env(url, folder)
        _fill(env, args)
        return _measure(env, args.requests)


def _filled(url: str, folder: Path) -> bool:
    """Whether the kept database holds a finished fill (marked in its folder once done)."""
    from sqlalchemy import create_engine, inspect

    if not (folder / "filled").exists():
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return inspect(connection).has_table("cases")
    finally:
        engine.dispose()


def _vacuum(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


def _fill(env: dict[str, str], args: argparse.Namespace) -> None:
    started = time.monotonic()
    servers.flask(env, "db", "upgrade")
    servers.flask(env, "demo", "seed")
    seeded = time.monotonic()
    print(
        servers.flask(
            env,
            "demo",
            "bulk",
            "--cases",
            str(args.cases),
            "--messages",
            str(args.messages),
            "--articles",
            str(args.articles),
            "--topics",
            str(args.topics),
            "--posts",
            str(args.posts),
        ),  # fmt: skip
        end="",
    )
    filled = time.monotonic()
    servers.flask(env, "kb", "reindex")
    indexed = time.monotonic()
    print(
        f"demo bulk took {filled - seeded:.0f} s, kb reindex {indexed - filled:.0f} s "
        f"(migrate and seed {seeded - started:.0f} s)"
    )


def _measure(env: dict[str, str], count: int) -> int:
    os.environ.update(env)
    from sqlalchemy import event, func, select

    from bench.bare_app import app as bare
    from portal import create_app
    from portal.extensions import db
    from portal.models import Case, ContactRole, User

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        long_case = db.session.scalar(
            select(Case.number)
            .join(Case.messages)
            .group_by(Case.number)
            .order_by(func.count().desc())
            .limit(1)
        )
        busiest_org = db.session.scalar(
            select(Case.organisation_id)
            .group_by(Case.organisation_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        customer = db.session.scalar(
            select(User.email).join(ContactRole).where(ContactRole.organisation_id == busiest_org)
        )
        org_cases = db.session.scalar(
            select(func.count()).where(Case.organisation_id == busiest_org)
        )
        staff_owner = db.session.scalar(
            select(Case.owner_id).where(Case.owner_id.is_not(None)).limit(1)
        )
        owner_email = db.session.scalar(
            select(User.email)
            .join(Case, Case.contact_id == User.id)
            .where(Case.number == long_case)
        )
        engine = db.engine
        db.session.remove()

    def signed_in(email: str):  # noqa: ANN202 - a test client
        client = app.test_client()
        answer = client.post("/login", data={"email": email, "password": "portal-demo"})
        assert answer.status_code == 302, (email, answer.status_code)
        return client

    manager = signed_in("manager@support.example.com")
    contact = signed_in(customer)
    anonymous = app.test_client()
    pages: list[tuple[str, object, str, dict]] = []
    for view in ("unassigned", "mine", "team", "all"):
        pages.append((f"queue {view}", manager, f"/staff/?view={view}", {}))
    for name, query in [
        ("tier gold", "tier=gold"),
        ("severity P1", "severity=P1"),
        ("status waiting on support", "status=waiting_on_support"),
        ("product XenCenter", "product=XenCenter"),
        ("owner", f"owner={staff_owner}"),
    ]:
        pages.append((f"queue all, {name}", manager, f"/staff/?view=all&{query}", {}))
    hx = {"HX-Request": "true"}
    pages += [
        ("queue all, HTMX table", manager, "/staff/?view=all", hx),
        ("queue all, last page", manager, "/staff/?view=all&page=last", {}),
        (f"customer case list ({org_cases:,} cases)", contact, "/cases/", {}),
        ("customer case list, last page", contact, "/cases/?page=last", {}),
        ("case page, 200 messages (staff)", manager, f"/cases/{long_case}", {}),
        ("case page, 200 messages (customer)", None, f"/cases/{long_case}", {}),
        ("dashboard", manager, "/staff/dashboard", {}),
        ("KB search page", anonymous, "/kb/?q=storage+repository", {}),
        ("KB search fragment", anonymous, "/kb/?q=vm+migration+fails", hx),
        ("KB search, API", anonymous, "/api/v1/kb/search?q=license+key", {}),
    ]

    bare_client = bare.test_client()

    def timed(fn: Callable[[], object]) -> tuple[float, float]:
        for _ in range(3):
            fn()
        samples = []
        for _ in range(count):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        return percentile(samples, 0.5), percentile(samples, 0.95)

    bare_p50, bare_p95 = timed(lambda: bare_client.get("/"))
    print(
        f"\nBaseline: the bare Flask page, in process: p50 {bare_p50:.2f} ms, p95 {bare_p95:.2f} ms"
    )
    print(
        f"{'page':40s} {'p50 ms':>8s} {'p95 ms':>8s} {'p50/bare':>9s} {'p95/bare':>9s}"
        "  target p95 < 100 ms"
    )
    plans: list[tuple[str, list[str]]] = []
    missed = 0
    # No app context is held open here: requests must not share `g` (the signed-in user).
    if True:
        for name, client, path, headers in pages:
            if client is None:  # the case's own contact reads it
                client = signed_in(owner_email)
            if "page=last" in path:
                path = _last_page(client, path.replace("page=last", "page=1"), headers)
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (name, path, response.status_code)
            p50, p95 = timed(lambda c=client, p=path, h=headers: c.get(p, headers=h))
            verdict = "ok" if p95 < TARGET_P95_MS else "MISSED"
            missed += verdict != "ok"
            print(
                f"{name:40s} {p50:8.1f} {p95:8.1f} {p50 / bare_p50:8.0f}x "
                f"{p95 / bare_p95:8.0f}x  {verdict}"
            )
            statements: list[tuple[float, str, object]] = []

            def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
                conn.info["started"] = time.perf_counter()

            def after(conn, cursor, statement, parameters, context, executemany, seen=statements):  # noqa: ANN001, E501
                seen.append((time.perf_counter() - conn.info["started"], statement, parameters))

            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            client.get(path, headers=headers)
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
            # Only a query has a plan (a page may also write: SAVEPOINT, UPDATE ...).
            queries = [
                s for s in statements if s[1].lstrip().upper().startswith(("SELECT", "WITH"))
            ]
            if queries:
                slowest = max(queries, key=lambda s: s[0])
                with engine.connect() as connection:
                    plan = _plan(connection, slowest[1], slowest[2])
                plans.append((f"{name}: {len(statements)} statements, slowest "
                              f"{slowest[0] * 1000:.1f} ms", plan))  # fmt: skip
    print("\nQuery plans (the slowest statement of each page):")
    for title, plan in plans:
        print(f"\n-- {title}")
        for line in plan:
            print(f"   {line}")
    print(f"\n{len(pages) - missed} of {len(pages)} pages within the p95 target")
    return 0


def _last_page(client, path: str, headers: dict) -> str:  # noqa: ANN001
    """The address of the last page, from the pager's "Page 1 of N"."""
    import re

    html = client.get(path, headers=headers).get_data(as_text=True)
    found = re.search(r"Page 1 of (\d+)", html)
    last = int(found.group(1)) if found else 1
    return path.replace("page=1", f"page={last}")


if __name__ == "__main__":
    raise SystemExit(main())
