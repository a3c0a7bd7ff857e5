"""Load benchmark: the portal under gunicorn on PostgreSQL, against a bare Flask page.

    python -m bench.load [--seconds 8] [--workers 2] [--connections 16] [--sqlite]

1. Pages, one at a time: every public page (and the staff and customer pages) is loaded
   with `--connections` connections for `--seconds`; the bare Flask page (bench/bare_app.py)
   is measured before, between and after them, on a gunicorn with the same settings, and
   each page's throughput, p50 and p99 are reported as ratios of the bare page's.
2. Mixed traffic: anonymous readers (articles, search, forum threads), customers (filing
   cases, replying, reading their cases), staff (the queue and its filters, case pages,
   the dashboard) at once, each class from its own wrk process so each has its own figures;
   then the same again with bad requests mixed in (bad bearer tokens, oversized bodies,
   unknown pages), to show they get their 4xx and cost the good traffic no more than their
   share. Errors (5xx, socket errors, unexpected statuses) must be none.

The load generator is wrk (C, epoll): it takes a few percent of one core, so on a 2-core
machine the servers, not the generator, set the pace. No figure is absolute: the machine is
shared, so only ratios measured in the same run mean anything.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from bench import servers, wrk_driver
from bench.wrk_driver import Request, Result

DEMO_PASSWORD = "portal-demo"
_CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')


@dataclass
class Session:
    cookie: str
    csrf: str


def login(base: str, email: str) -> Session:
    """Log in through the form as a browser would; the session cookie and its CSRF token."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = _CSRF_HEADER.search(page).group(1)
    form = urllib.parse.urlencode({"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    home = opener.open(f"{base}/login", data=form.encode()).read().decode()
    match = _CSRF_HEADER.search(home)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie or match is None:
        raise RuntimeError(f"could not log in as {email}")
    return Session(cookie, match.group(1))


@dataclass
class Site:
    """What the demo data holds, found once so the requests name real things."""

    article: str
    long_article: str
    topic: int
    doc: str
    release: str
    idea: int
    customer_case: str
    staff_case: str


def discover(env: dict[str, str]) -> Site:
    import os

    from sqlalchemy import func, select

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from portal import create_app
        from portal.extensions import db
        from portal.models import Article, Case, DocPage, Idea, Organisation, Release, Topic

        app = create_app()
        with app.app_context():
            articles = db.session.execute(
                select(Article.slug, func.length(Article.body))
                .where(Article.status == "published")
                .order_by(Article.id)
            ).all()
            longest = max(articles, key=lambda row: row[1])[0]
            release = db.session.execute(
                select(Release.product, Release.version).order_by(Release.id)
            ).first()
            gold = db.session.scalar(
                select(Organisation.id).where(Organisation.name == "Contoso Cloud")
            )
            site = Site(
                article=articles[0][0],
                long_article=longest,
                topic=db.session.scalar(select(Topic.id).order_by(Topic.reply_count.desc())),
                doc=db.session.scalar(select(DocPage.slug).order_by(DocPage.id)),
                release=f"{release[0]}/{release[1]}",
                idea=db.session.scalar(select(Idea.id).order_by(Idea.id)),
                customer_case=db.session.scalar(
                    select(Case.number).where(Case.organisation_id == gold).order_by(Case.id)
                ),
                staff_case=db.session.scalar(select(Case.number).order_by(Case.id.desc())),
            )
            db.engine.dispose()
        return site
    finally:
        os.environ.clear()
        os.environ.update(saved)


def public_pages(site: Site) -> list[tuple[str, Request]]:
    return [
        ("home", Request("GET", "/")),
        ("KB article", Request("GET", f"/kb/{site.article}")),
        ("KB article, longest", Request("GET", f"/kb/{site.long_article}")),
        ("KB search page", Request("GET", "/kb/?q=storage+repository")),
        ("KB search fragment (HTMX)", Request("GET", "/kb/?q=storage+repository", htmx=True)),
        ("forums", Request("GET", "/forums/")),
        ("forum topic", Request("GET", f"/forums/topics/{site.topic}")),
        ("documentation", Request("GET", "/docs/")),
        ("documentation page", Request("GET", f"/docs/{site.doc}")),
        ("release notes", Request("GET", "/releases/")),
        ("release", Request("GET", f"/releases/{site.release}")),
        ("ideas", Request("GET", "/ideas/")),
        ("idea", Request("GET", f"/ideas/{site.idea}")),
        ("support offerings", Request("GET", "/support/")),
        ("partners", Request("GET", "/partners/")),
        ("log in", Request("GET", "/login")),
    ]


def signed_in_pages(site: Site, customer: Session, staff: Session) -> list[tuple[str, Request]]:
    def as_(who: Session, path: str) -> Request:
        return Request("GET", path, cookie=who.cookie)

    return [
        ("customer: case list", as_(customer, "/cases/")),
        ("customer: case page", as_(customer, f"/cases/{site.customer_case}")),
        ("staff: queue", as_(staff, "/staff/?view=all")),
        ("staff: case page", as_(staff, f"/cases/{site.staff_case}")),
        ("staff: dashboard", as_(staff, "/staff/dashboard")),
    ]


def traffic_classes(
    site: Site, customer: Session, staff: Session, max_body: int
) -> dict[str, tuple[list[Request], int, set[str]]]:
    """name: (requests, connections, expected status classes)."""
    readers = [
        Request("GET", f"/kb/{site.article}"),
        Request("GET", f"/kb/{site.long_article}"),
        Request("GET", "/kb/?q=storage", htmx=True),
        Request("GET", "/kb/?q=vm+migration+fails", htmx=True),
        Request("GET", "/kb/?q=license+key"),
        Request("GET", f"/forums/topics/{site.topic}"),
        Request("GET", "/"),
    ]
    filing = urllib.parse.urlencode(
        {
            "subject": "VM fails to start after host patch",
            "description": "After applying the hotfix the VM stays halted; log attached.",
            "severity": "P3",
            "product": "XenServer",
            "version": "5.0",
            "csrf_token": customer.csrf,
        }
    )
    reply = urllib.parse.urlencode(
        {"body": "Here is the **log** you asked for.", "csrf_token": customer.csrf}
    )
    customers = [
        Request("POST", "/cases/new", customer.cookie, customer.csrf, filing),
        Request(
            "POST", f"/cases/{site.customer_case}/messages", customer.cookie, customer.csrf, reply
        ),
        Request("GET", "/cases/", customer.cookie),
        Request("GET", f"/cases/{site.customer_case}", customer.cookie),
    ]
    staff_requests = [
        Request("GET", "/staff/", staff.cookie),
        Request("GET", "/staff/?view=all", staff.cookie),
        Request("GET", "/staff/?view=all&severity=P1", staff.cookie, htmx=True),
        Request("GET", "/staff/?view=unassigned&tier=gold", staff.cookie, htmx=True),
        Request("GET", f"/cases/{site.staff_case}", staff.cookie),
        Request("GET", "/staff/dashboard", staff.cookie),
    ]
    oversized = "body=" + "x" * (max_body + 1024)
    bad = [
        Request("GET", "/api/v1/cases", headers=(("Authorization", "Bearer not-a-token"),)),
        Request("GET", "/kb/no-such-article"),
        Request("GET", "/no/such/page"),
        Request("POST", f"/cases/{site.customer_case}/messages", customer.cookie, "", oversized),
        Request("POST", "/login", body="email=x%40example.com&password=wrong"),  # no CSRF: 400
    ]
    return {
        "anonymous readers": (readers, 8, {"2"}),
        "customers": (customers, 3, {"2", "3"}),
        "staff": (staff_requests, 3, {"2"}),
        "bad requests": (bad, 2, {"4"}),
    }


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:5.2f}x" if baseline else "   n/a"


def measure_pages(base: str, bare: str, pages: list[tuple[str, Request]], args) -> list[str]:  # noqa: ANN001
    """Each page alone; the bare page before, between and after (their mean is the baseline)."""
    bare_request = [Request("GET", "/")]

    def load(url: str, request: list[Request]) -> Result:
        return wrk_driver.run(
            url, request, seconds=args.seconds, connections=args.connections, threads=2
        )

    bare_runs = [load(bare, bare_request)]
    results: list[tuple[str, Result]] = []
    for index, (name, request) in enumerate(pages):
        results.append((name, load(base, [request])))
        if index == len(pages) // 2:
            bare_runs.append(load(bare, bare_request))
    bare_runs.append(load(bare, bare_request))
    rate = sum(r.rate for r in bare_runs) / len(bare_runs)
    p50 = sum(r.p50_ms for r in bare_runs) / len(bare_runs)
    p99 = sum(r.p99_ms for r in bare_runs) / len(bare_runs)
    lines = [
        f"Baseline, bare Flask page (bench/bare_app.py): {rate:,.0f} req/s, p50 {p50:.2f} ms, "
        f"p99 {p99:.2f} ms (mean of {len(bare_runs)} runs: "
        + ", ".join(f"{r.rate:,.0f}" for r in bare_runs)
        + " req/s)",
        f"{'page':34s} {'req/s':>8s} {'× bare':>7s} {'p50 ms':>7s} {'p99 ms':>7s} "
        f"{'p99/bare':>8s}  statuses",
    ]
    for name, result in results:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items()))
        lines.append(
            f"{name:34s} {result.rate:8,.0f} {_ratio(result.rate, rate):>7s} "
            f"{result.p50_ms:7.2f} {result.p99_ms:7.2f} "
            f"{_ratio(result.p99_ms, p99):>8s}  {statuses}"
        )
    return lines


def run_mixed(base: str, classes: dict, seconds: float) -> dict[str, Result]:  # noqa: ANN001
    with ThreadPoolExecutor(len(classes)) as pool:
        futures = {
            name: pool.submit(wrk_driver.run, base, requests, seconds=seconds, connections=c)
            for name, (requests, c, _expected) in classes.items()
        }
        return {name: future.result() for name, future in futures.items()}


def describe_mixed(
    results: dict[str, Result], classes: dict, bare_rate: float
) -> tuple[list[str], int]:  # noqa: ANN001
    lines = [f"{'class':20s} {'req/s':>8s} {'× bare':>7s} {'p50 ms':>7s} {'p99 ms':>7s}  statuses"]
    errors = 0
    for name, result in results.items():
        expected = classes[name][2]
        unexpected = sum(n for s, n in result.statuses.items() if s[0] not in expected)
        errors += unexpected + result.socket_errors
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items()))
        lines.append(
            f"{name:20s} {result.rate:8,.0f} {_ratio(result.rate, bare_rate):>7s} "
            f"{result.p50_ms:7.2f} {result.p99_ms:7.2f}  {statuses}"
            + (f"  UNEXPECTED: {unexpected}" if unexpected else "")
            + (f"  socket errors: {result.socket_errors}" if result.socket_errors else "")
        )
    total = sum(r.rate for r in results.values())
    lines.append(f"{'all':20s} {total:8,.0f} {_ratio(total, bare_rate):>7s}")
    return lines, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-mixed", action="store_true")
    parser.add_argument(
        "--pages",
        default="",
        help="only the pages whose names contain one of these, comma-separated",
    )
    args = parser.parse_args(argv)
    if not wrk_driver.available():
        print("load benchmark skipped: wrk is not installed (Debian: apt-get install wrk)")
        return 0
    use_postgres = not args.sqlite and servers.postgres_available()
    if not args.sqlite and not use_postgres:
        print(f"PostgreSQL not reachable at {servers.ADMIN_URL}; using SQLite instead")
    folder = Path(tempfile.mkdtemp(prefix="portal-load-"))
    if use_postgres:
        with servers.temporary_postgres("portal_load") as url:
            return _run(url, folder, args)
    return _run(f"sqlite:///{folder / 'portal.db'}", folder, args)


def _run(database_url: str, folder: Path, args) -> int:  # noqa: ANN001
    max_body = 1024 * 1024
    env = servers.portal_env(
        database_url, folder / "portal", PORTAL_MAX_CONTENT_LENGTH=str(max_body)
    )
    print(
        f"Load benchmark: gunicorn --workers {args.workers}, wrk with {args.connections} "
        f"connections, {args.seconds:.0f} s a run, database {database_url.split(':')[0]}"
    )
    servers.flask(env, "db", "upgrade")
    servers.flask(env, "demo", "seed")
    servers.flask(env, "kb", "reindex")
    site = discover(env)
    bare_env = servers.portal_env(database_url, folder / "bare")
    with (
        servers.gunicorn("bench.bare_app:app", bare_env, workers=args.workers) as bare,
        servers.gunicorn("app:app", env, workers=args.workers, ready_path="/healthz") as base,
    ):
        customer = login(base, "admin@gold.example.com")
        staff = login(base, "manager@support.example.com")  # the dashboard is theirs
        errors = 0
        if not args.skip_pages:
            print("\nEach page alone (ratios against the bare page measured in this run):")
            pages = public_pages(site) + signed_in_pages(site, customer, staff)
            wanted = [w.strip().lower() for w in args.pages.split(",") if w.strip()]
            if wanted:
                pages = [(n, r) for n, r in pages if any(w in n.lower() for w in wanted)]
            for line in measure_pages(base, bare, pages, args):
                print("  " + line)
        if not args.skip_mixed:
            bare_rate = wrk_driver.run(
                bare,
                [Request("GET", "/")],
                seconds=args.seconds,
                connections=args.connections,
                threads=2,
            ).rate
            classes = traffic_classes(site, customer, staff, max_body)
            good = {k: v for k, v in classes.items() if k != "bad requests"}
            print(f"\nMixed traffic, all classes at once (bare page: {bare_rate:,.0f} req/s):")
            clean = run_mixed(base, good, args.seconds)
            lines, clean_errors = describe_mixed(clean, good, bare_rate)
            print("\n".join("  " + line for line in lines))
            print("\nThe same with bad requests mixed in:")
            dirty = run_mixed(base, classes, args.seconds)
            lines, dirty_errors = describe_mixed(dirty, classes, bare_rate)
            print("\n".join("  " + line for line in lines))
            good_before = sum(r.rate for r in clean.values())
            good_after = sum(dirty[name].rate for name in good)
            bad_share = dirty["bad requests"].rate / sum(r.rate for r in dirty.values())
            print(
                f"  good traffic with bad mixed in: {good_after / good_before:.2f}x of without; "
                f"bad requests were {bad_share:.0%} of all requests, their p99 "
                f"{dirty['bad requests'].p99_ms:.2f} ms"
            )
            errors += clean_errors + dirty_errors
            print(f"  errors (5xx, unexpected statuses, socket errors): {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
