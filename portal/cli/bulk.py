"""`flask demo bulk`: a database the size of a real support organisation, quickly.

    flask --app app demo bulk --cases 100000 --messages 1000000 --articles 10000 --topics 20000

Rows go in with multi-row INSERTs a batch at a time (COPY on PostgreSQL), not one service
call each: a service call per case would take hours at these sizes. The data is spread the
way a support organisation's is: organisations of both tiers (some agreements lapsed),
cases over three years, most closed, the open ones in every status and owned by staff in
teams (a share unassigned), severities weighted toward P3, conversations of very different
lengths (one case has 200 messages), articles and forum text recombined from the shipped
KB's sentences. Markdown is stored rendered, as every write path stores it. Seeded, so the
same arguments give the same database. Run `flask kb reindex` afterwards for search.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from sqlalchemy import Table, func, insert, select, text

from portal import transactions
from portal.accounts.service import hash_password
from portal.cli.demo import DEMO_PASSWORD, demo_cli
from portal.extensions import db
from portal.kb.files import KB_FOLDER
from portal.models import (
    Agreement,
    Article,
    Case,
    CaseEvent,
    CaseMessage,
    Category,
    ContactKind,
    ContactRole,
    Organisation,
    Post,
    StaffProfile,
    Topic,
    User,
)
from portal.models.rendered import RENDERER_VERSION, render

BATCH = 5_000
PRODUCTS = ["XenServer", "XenCenter", "XenServer Tools"]
VERSIONS = ["4.0", "4.0.1", "4.1", "5.0", "5.5"]
SEVERITIES = ["P1", "P2", "P3", "P4", "P5"]
SEVERITY_WEIGHTS = [2, 10, 50, 28, 10]
OPEN_STATUSES = ["new", "assigned", "waiting_on_customer", "waiting_on_support", "awaiting_bug_fix"]
TEAMS = ["Storage", "Networking", "Platform", "Management tools"]
TEXT_POOL = 400  # distinct message and post bodies, each rendered once
LONG_CASE_MESSAGES = 200


def _sentences() -> list[str]:
    found: list[str] = []
    for path in sorted(KB_FOLDER.glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        for line in body.splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "|", "```", "-", "*", ">")) and len(line) > 40:
                found.extend(s for s in re.split(r"(?<=[.!?])\s+", line) if len(s) > 30)
    return found or ["The host lost its connection to the storage repository after a reboot."]


def _paragraphs(rng: random.Random, sentences: Sequence[str], count: int) -> str:
    return "\n\n".join(
        " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5))) for _ in range(count)
    )


class Writer:
    """Inserts rows in batches: COPY on PostgreSQL, multi-row INSERT elsewhere."""

    def __init__(self) -> None:
        self.postgres = db.engine.dialect.name == "postgresql"

    def write(self, table: Table, rows: Iterable[dict[str, Any]]) -> int:
        count = 0
        for batch in _chunks(rows, BATCH):
            if self.postgres:
                self._copy(table, batch)
            else:
                db.session.execute(insert(table), batch)
            count += len(batch)
        return count

    def _copy(self, table: Table, batch: list[dict[str, Any]]) -> None:
        columns = list(batch[0])
        connection = db.session.connection().connection.driver_connection
        names = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in batch:
                    copy.write_row([_copy_value(row[c]) for c in columns])

    def next_id(self, table: Table) -> int:
        return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1

    def fix_sequence(self, table: Table) -> None:
        if self.postgres:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table.name}"))'
                )
            )


def _copy_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict | list):
        import json

        return json.dumps(value)
    return value


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _people(writer: Writer, rng: random.Random, organisations: int, now: datetime) -> dict:
    """Organisations with agreements and contacts, and a support team; ids by kind."""
    password = hash_password(DEMO_PASSWORD)  # one hash for all: hashing is slow on purpose
    org_id, user_id = writer.next_id(Organisation.__table__), writer.next_id(User.__table__)
    today = now.date()
    orgs, agreements, users, roles = [], [], [], []
    contacts: dict[int, list[int]] = {}
    tiers: dict[int, str] = {}
    for n in range(organisations):
        oid = org_id + n
        tier = "gold" if rng.random() < 0.3 else "base"
        start = today - timedelta(days=rng.randint(30, 1000))
        end = start + timedelta(days=730) if rng.random() < 0.9 else today - timedelta(days=10)
        orgs.append({"id": oid, "name": f"Bulk customer {oid:05d}", "created_at": now})
        agreements.append(
            {
                "organisation_id": oid,
                "tier": tier,
                "starts_on": start,
                "ends_on": end,
                "created_at": now,
            }
        )
        tiers[oid] = tier
        for _ in range(rng.randint(1, 3)):
            users.append(
                _user(user_id, f"contact{user_id}@bulk{oid}.example.com", "customer", password, now)
            )
            roles.append(
                {
                    "user_id": user_id,
                    "organisation_id": oid,
                    "kind": ContactKind.SUPPORT_ADMIN.value,
                }
            )
            contacts.setdefault(oid, []).append(user_id)
            user_id += 1
    staff = []
    profiles = []
    for n in range(max(5, organisations // 8)):
        role = "manager" if n % 10 == 0 else "tse"
        users.append(_user(user_id, f"staff{user_id}@support.example.com", role, password, now))
        profiles.append({"user_id": user_id, "team": TEAMS[n % len(TEAMS)], "skills": []})
        staff.append(user_id)
        user_id += 1
    writer.write(Organisation.__table__, orgs)
    writer.write(Agreement.__table__, agreements)
    writer.write(User.__table__, users)
    writer.write(ContactRole.__table__, roles)
    writer.write(StaffProfile.__table__, profiles)
    for table in (Organisation, Agreement, User, ContactRole, StaffProfile):
        writer.fix_sequence(table.__table__)
    return {"contacts": contacts, "tiers": tiers, "staff": staff}


def _user(uid: int, email: str, role: str, password: str, now: datetime) -> dict[str, Any]:
    return {
        "id": uid,
        "email": email,
        "name": f"Bulk person {uid}",
        "password_hash": password,
        "role": role,
        "timezone": "UTC",
        "active": True,
        "created_at": now,
    }


def _texts(rng: random.Random, sentences: Sequence[str]) -> list[tuple[str, str]]:
    """(Markdown, HTML) bodies for messages and posts, rendered once each."""
    out = []
    for n in range(TEXT_POOL):
        body = _paragraphs(rng, sentences, rng.randint(1, 3))
        if n % 7 == 0:
            body += "\n\n```\nxe sr-list host-uuid=<uuid>\n```"
        out.append((body, render(body)))
    return out


def _cases(writer: Writer, rng: random.Random, people: dict, count: int, now: datetime) -> list:
    """The cases; returns (id, filed_at, contact, owner) of each, for their messages."""
    first_id = writer.next_id(Case.__table__)
    start_number = (
        db.session.execute(text("SELECT next_value FROM case_numbers WHERE id = 1")).scalar()
        or 100001
    )
    orgs = list(people["contacts"])
    made = []

    def rows() -> Iterator[dict[str, Any]]:
        for n in range(count):
            cid = first_id + n
            oid = rng.choice(orgs)
            contact = rng.choice(people["contacts"][oid])
            age = timedelta(minutes=int(rng.random() ** 2 * 3 * 365 * 24 * 60))
            filed = now - age
            closed = age > timedelta(days=30) and rng.random() < 0.97 or rng.random() < 0.6
            status = "closed" if closed else rng.choice(OPEN_STATUSES + ["resolved"])
            owner = None if status == "new" or rng.random() < 0.05 else rng.choice(people["staff"])
            severity = rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
            responded = status != "new"
            made.append((cid, filed, contact, owner))
            yield {
                "id": cid,
                "number": f"{start_number + n:08d}",
                "organisation_id": oid,
                "contact_id": contact,
                "owner_id": owner,
                "filed_by_id": contact,
                "subject": f"{rng.choice(PRODUCTS)} host {n % 97} loses its storage after patch",
                "description": "After applying the hotfix the host drops its NFS mounts.",
                "recent_changes": "",
                "product": rng.choice(PRODUCTS),
                "version": rng.choice(VERSIONS),
                "customer_severity": severity,
                "severity": severity,
                "tier": people["tiers"][oid],
                "status": status,
                "escalated": rng.random() < 0.02,
                "channel": "web",
                "third_party": False,
                "filed_at": filed,
                "response_due_at": filed + timedelta(hours=rng.randint(1, 48)),
                "sla_alert_level": 0,
                "first_response_at": filed + timedelta(hours=rng.randint(1, 30))
                if responded
                else None,
                "response_met": (rng.random() < 0.9) if responded else None,
                "last_customer_update_at": filed + timedelta(hours=rng.randint(0, 200)),
                "closed_at": filed + timedelta(days=rng.randint(1, 30)) if closed else None,
                "updated_at": filed,
            }

    writer.write(Case.__table__, rows())
    writer.fix_sequence(Case.__table__)
    db.session.execute(
        text(
            "INSERT INTO case_numbers (id, next_value) VALUES (1, :v) "
            "ON CONFLICT (id) DO UPDATE SET next_value = :v"
        ),
        {"v": start_number + count},
    )
    return made


def _messages(writer: Writer, rng: random.Random, cases: list, count: int, texts: list) -> int:
    """Messages spread unevenly over the cases (one case gets 200), each with its event."""
    if not cases or not count:
        return 0
    message_id = writer.next_id(CaseMessage.__table__)
    per_case = [0] * len(cases)
    per_case[0] = count if len(cases) == 1 else min(LONG_CASE_MESSAGES, count)
    for _ in range(count - per_case[0]):
        # Skewed: a few long conversations, many short ones (the 200-message case apart).
        per_case[1 + int(rng.random() ** 1.5 * (len(cases) - 1))] += 1
    messages, events = [], []

    def produce() -> Iterator[None]:
        nonlocal message_id
        for (cid, filed, contact, owner), n in zip(cases, per_case, strict=True):
            events.append(
                {
                    "case_id": cid,
                    "kind": "filed",
                    "actor_id": contact,
                    "data": {"severity": "P3", "channel": "web"},
                    "public": True,
                    "created_at": filed,
                }
            )
            for k in range(n):
                support = owner is not None and k % 2 == 1
                body, html = rng.choice(texts)
                at = filed + timedelta(minutes=37 * (k + 1))
                public = not support or rng.random() > 0.15
                messages.append(
                    {
                        "id": message_id,
                        "case_id": cid,
                        "author_id": owner if support else contact,
                        "body": body,
                        "body_html": html,
                        "html_version": RENDERER_VERSION,
                        "public": public,
                        "from_support": support,
                        "created_at": at,
                    }
                )
                events.append(
                    {
                        "case_id": cid,
                        "kind": "message" if public else "note",
                        "actor_id": owner if support else contact,
                        "data": {"message_id": message_id},
                        "public": public,
                        "created_at": at,
                    }
                )
                message_id += 1
            if len(events) >= BATCH:
                yield

    for _ in produce():
        writer.write(CaseMessage.__table__, messages)
        writer.write(CaseEvent.__table__, events)
        messages.clear()
        events.clear()
    writer.write(CaseMessage.__table__, messages)
    writer.write(CaseEvent.__table__, events)
    writer.fix_sequence(CaseMessage.__table__)
    writer.fix_sequence(CaseEvent.__table__)
    return sum(per_case)


def _articles(
    writer: Writer, rng: random.Random, sentences: Sequence[str], count: int, now: datetime
) -> int:
    """Articles of a few hundred to a few thousand words, each rendered (they differ)."""
    first = writer.next_id(Article.__table__)

    def rows() -> Iterator[dict[str, Any]]:
        for n in range(count):
            words = rng.choice(sentences).split()
            title = " ".join(words[: rng.randint(4, 9)]).rstrip(".,;:")
            body = f"## Symptoms\n\n{_paragraphs(rng, sentences, rng.randint(2, 6))}\n\n"
            body += f"## Resolution\n\n{_paragraphs(rng, sentences, rng.randint(2, 8))}\n"
            if n % 3 == 0:
                body += "\n```bash\nxe host-list params=uuid,name-label\n```\n"
            updated = now - timedelta(days=rng.randint(0, 1500))
            yield {
                "id": first + n,
                "slug": f"bulk-{first + n}",
                "title": title[:200] or "Article",
                "summary": rng.choice(sentences)[:500],
                "product": rng.choice(PRODUCTS),
                "versions": rng.sample(VERSIONS, 2),
                "tags": rng.sample(
                    [
                        "storage",
                        "networking",
                        "licensing",
                        "upgrade",
                        "performance",
                        "xencenter",
                        "pool",
                        "backup",
                        "drivers",
                        "security",
                    ],
                    2,
                ),
                "body": body,
                "body_html": render(body),
                "html_version": RENDERER_VERSION,
                "status": "published" if rng.random() < 0.95 else "draft",
                "created_at": updated,
                "updated_at": updated,
                "published_at": updated,
            }

    made = writer.write(Article.__table__, rows())
    writer.fix_sequence(Article.__table__)
    return made


def _forums(
    writer: Writer,
    rng: random.Random,
    people: dict,
    topics: int,
    posts: int,
    texts: list,
    now: datetime,
) -> int:
    """Topics in the standard categories; replies spread unevenly (every topic has its first)."""
    categories = list(db.session.scalars(select(Category.id)))
    if not categories or not topics:
        return 0
    authors = [uid for ids in people["contacts"].values() for uid in ids] + people["staff"]
    first_topic, post_id = writer.next_id(Topic.__table__), writer.next_id(Post.__table__)
    replies = [0] * topics
    for _ in range(max(0, posts - topics)):
        replies[int(rng.random() ** 2 * topics)] += 1
    topic_rows, post_rows = [], []
    for n in range(topics):
        started = now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        last = started + timedelta(hours=3 * replies[n])
        topic_rows.append(
            {
                "id": first_topic + n,
                "category_id": rng.choice(categories),
                "author_id": rng.choice(authors),
                "title": f"{rng.choice(PRODUCTS)}: {rng.choice(texts)[0][:80]}",
                "pinned": False,
                "locked": False,
                "hidden": False,
                "hidden_reason": "",
                "created_at": started,
                "last_activity_at": last,
                "reply_count": replies[n],
            }
        )
        for k in range(replies[n] + 1):
            body, html = rng.choice(texts)
            post_rows.append(
                {
                    "id": post_id,
                    "topic_id": first_topic + n,
                    "author_id": rng.choice(authors),
                    "body": body,
                    "body_html": html,
                    "html_version": RENDERER_VERSION,
                    "hidden": False,
                    "hidden_reason": "",
                    "created_at": started + timedelta(hours=3 * k),
                }
            )
            post_id += 1
        if len(post_rows) >= BATCH:
            writer.write(Topic.__table__, topic_rows)
            writer.write(Post.__table__, post_rows)
            topic_rows, post_rows = [], []
    writer.write(Topic.__table__, topic_rows)
    writer.write(Post.__table__, post_rows)
    writer.fix_sequence(Topic.__table__)
    writer.fix_sequence(Post.__table__)
    return topics + sum(replies)


@demo_cli.command("bulk")
@click.option("--cases", default=1000, show_default=True)
@click.option("--messages", default=10000, show_default=True)
@click.option("--articles", default=100, show_default=True)
@click.option("--topics", default=200, show_default=True)
@click.option("--posts", default=None, type=int, help="Forum posts in all [5 per topic].")
@click.option("--organisations", default=None, type=int, help="[one per 500 cases, 20 at least]")
@click.option("--seed", default=14, show_default=True, help="Same seed, same data.")
def bulk(
    cases: int,
    messages: int,
    articles: int,
    topics: int,
    posts: int | None,
    organisations: int | None,
    seed: int,
) -> None:
    """Add realistic bulk data for benchmarks (in batches; run `kb reindex` afterwards)."""
    import time

    from portal.forums.seed import ensure_categories

    rng = random.Random(seed)
    now = datetime.now(UTC)
    started = time.monotonic()
    writer = Writer()
    sentences = _sentences()
    texts = _texts(rng, sentences)
    ensure_categories()

    def step(label: str, made: int) -> None:
        transactions.commit()  # one unit per kind of row: an interrupted run keeps what it made
        click.echo(f"{label}: {made:,} ({time.monotonic() - started:.0f} s)")

    people = _people(writer, rng, organisations or max(20, cases // 500), now)
    step("organisations", len(people["contacts"]))
    made = _cases(writer, rng, people, cases, now)
    step("cases", len(made))
    step("messages", _messages(writer, rng, made, messages, texts))
    step("articles", _articles(writer, rng, sentences, articles, now))
    forum_posts = posts if posts is not None else topics * 5
    step("forum posts", _forums(writer, rng, people, topics, forum_posts, texts, now))
    if writer.postgres:
        # VACUUM as autovacuum soon would: statistics for the planner, and the visibility map
        # that lets the count queries read their (partial) indexes alone. Outside a transaction.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        click.echo(f"vacuumed and analysed ({time.monotonic() - started:.0f} s)")
    click.echo("Done. Run `flask --app app kb reindex` to make the new articles searchable.")
