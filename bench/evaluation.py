"""Ranking quality: known-item MRR@10 on public technical manuals and on the shipped KB.

    python -m bench.evaluation [--queries 400] [--tune]

Corpora nobody here wrote: the HTML manuals Debian installs with python3-doc and
postgresql-doc-15, split into sections at their h2, h3 and h4 headings (over 10,000 documents), each
with a title (the heading), the page's title and enclosing headings as Markdown headings, and
the section's text (HTML to text with the standard library's html.parser). The shipped KB
(kb_articles/) is the third corpus.

Known-item queries, sampled with a fixed seed from shuffled sections: every other section
gives its title if the title has two words or more (a lone "Examples" names no one section),
every other section, and one whose title is a single word, gives its first sentence; so about
a third of the queries are titles (135 of the 400 held out). The query's text is cut from
that section's body; the section is the one right answer. The score is the mean reciprocal
rank of that section within the first ten results, printed also for each kind of query.

In one run, on the same documents and queries:

- ours: the portal's engine (`portal.search.rebuild`, then `portal.search.search`);
- plain Whoosh BM25F: `whoosh.scoring.BM25F()`, the default analyser and a title + body
  schema, queried through `MultifieldParser` with `OrGroup`;
- SQLite FTS5: an in-memory table (title, body, porter tokenizer) ranked by `bm25()`.

The query words are handed to plain Whoosh and FTS5 as an OR of words (query syntax in a
first sentence would otherwise raise or mean something else there).

`--tune` searches field weights and the phrase boost on a tuning sample of the manuals and
reports them on a disjoint held-out sample, so the shipped values are not fitted to the
queries they are reported on (nor to the shipped KB at all).
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import frontmatter

MANUALS = {
    "python": [Path("/usr/share/doc/python3-doc/html"), Path("/usr/share/doc/python3/html")],
    "postgresql": [Path("/usr/share/doc/postgresql-doc-15/html")],
}
KB_FOLDER = Path(__file__).resolve().parent.parent / "kb_articles"
SPLIT_AT = {"h2", "h3", "h4"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIP_TAGS = {"script", "style", "head", "nav"}
# Navigation around the text: Sphinx sidebars and link bars, PostgreSQL's header and footer.
SKIP_CLASSES = {"sphinxsidebar", "related", "footer", "navheader", "navfooter", "toc"}
BLOCKS = {"p", "div", "pre", "li", "dt", "dd", "tr", "br", "table", "section", "blockquote"}
VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
MIN_WORDS = 12
_NUMBERING = re.compile(r"^\s*(?:(?:[A-Z]\.)?\d+(?:\.\d+)*\.?|Chapter \d+\.|Appendix [A-Z]\.)\s+")
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)", re.S)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Document:
    uid: str
    title: str
    body: str  # Markdown-ish: "# page" and "## parent" heading lines, then the text
    summary: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Known:
    query: str
    uid: str
    kind: str  # "title" or "sentence"


class _Sections(HTMLParser):
    """A page's text as sections (heading, enclosing headings, paragraphs)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_title = ""
        self.sections: list[tuple[str, list[str], list[str]]] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipping)
        self._heading: str | None = None
        self._heading_text: list[str] = []
        self._in_title = False
        self._title_text: list[str] = []
        self._levels: dict[str, str] = {}
        self._current: list[str] = []
        self._line: list[str] = []
        self.sections.append(("", [], self._current))

    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        classes = set((dict(attrs).get("class") or "").split())
        if tag in VOID:
            if tag == "br":
                self._flush()
            return
        skip = self._skipping() or tag in SKIP_TAGS or bool(classes & SKIP_CLASSES)
        if "headerlink" in classes:
            skip = True
        self._stack.append((tag, skip))
        if skip:
            return
        if tag in HEADINGS or (tag == "dt" and "sig-object" in classes):
            # An API entry's signature (Sphinx) starts a section, as a heading does.
            self._flush()
            self._heading, self._heading_text = tag, []
        elif tag in BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            self.page_title = " ".join("".join(self._title_text).split())
        if tag in VOID:
            return
        while self._stack:
            open_tag, skip = self._stack.pop()
            if open_tag == tag:
                break
        else:
            return
        if skip:
            return
        if self._heading == tag:
            text = " ".join("".join(self._heading_text).split()).rstrip("¶ ").strip()
            self._heading = None
            if not text:
                return
            if tag == "dt":
                parents = [v for _, v in sorted(self._levels.items())]
                self._current = []
                self.sections.append((text, parents, self._current))
                return
            level = int(tag[1])
            self._levels = {k: v for k, v in self._levels.items() if int(k[1]) < level}
            self._levels[tag] = text
            if tag in SPLIT_AT:
                parents = [v for k, v in sorted(self._levels.items()) if k != tag]
                self._current = []
                self.sections.append((text, parents, self._current))
            else:
                self._current.append("#" * min(level, 6) + " " + text)
        elif tag in BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_text.append(data)
        if self._skipping():
            return
        if self._heading is not None:
            self._heading_text.append(data)
        else:
            self._line.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._line).split())
        self._line = []
        if text:
            self._current.append(text)

    def close(self) -> None:
        self._flush()
        super().close()


def _strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text).strip()


def manual_documents(name: str) -> list[Document]:
    """One manual's sections, in file order; empty if the package is not installed."""
    root = next((p for p in MANUALS[name] if p.is_dir()), None)
    if root is None:
        return []
    documents: list[Document] = []
    for path in sorted(root.rglob("*.html")):
        parser = _Sections()
        try:
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            parser.close()
        except (ValueError, AssertionError):
            continue
        page = _strip_numbering(parser.page_title.split("—")[0].split(" - ")[0]) or path.stem
        for number, (heading, parents, lines) in enumerate(parser.sections):
            text = [line for line in lines if not line.startswith("#")]
            if len(_WORD.findall(" ".join(text))) < MIN_WORDS:
                continue
            title = _strip_numbering(heading) or page
            head = [f"# {page}"] + [f"## {_strip_numbering(p)}" for p in parents[1:]]
            relative = path.relative_to(root).with_suffix("")
            documents.append(
                Document(
                    uid=f"{name}-{relative.as_posix().replace('/', '-')}-{number}"[-120:],
                    title=title[:200],
                    body="\n\n".join(head + lines),
                )
            )
    return documents


def kb_documents(folder: Path = KB_FOLDER) -> list[Document]:
    """The shipped articles: title, summary, tags and Markdown body."""
    documents = []
    for path in sorted(folder.glob("*.md")):
        post = frontmatter.load(path)
        documents.append(
            Document(
                uid=path.stem,
                title=str(post.metadata.get("title", path.stem)),
                body=post.content,
                summary=str(post.metadata.get("summary", "")),
                tags=tuple(str(t) for t in post.metadata.get("tags") or ()),
            )
        )
    return documents


def _first_sentence(body: str) -> str | None:
    for line in body.split("\n"):
        if not line.strip() or line.startswith(("#", "```", "|", "    ")):
            continue
        found = _SENTENCE.match(line.strip())
        sentence = found.group(1) if found else line.strip()
        if 4 <= len(_WORD.findall(sentence)) <= 40:
            return sentence
        return None
    return None


def known_items(
    documents: list[Document], count: int, seed: int, *, exclude: frozenset[str] = frozenset()
) -> tuple[list[Document], list[Known]]:
    """`count` known-item queries, and the documents with each query's text cut from its body.

    A title query needs two or more words (a lone "Examples" names no one section); a
    sentence query is the body's first sentence of 4 to 40 words.
    """
    rng = random.Random(seed)
    order = [i for i in range(len(documents)) if documents[i].uid not in exclude]
    rng.shuffle(order)
    changed: dict[int, Document] = {}
    queries: list[Known] = []
    for position, index in enumerate(order):
        if len(queries) >= count:
            break
        doc = documents[index]
        if position % 2 == 0 and len(_WORD.findall(doc.title)) >= 2:
            queries.append(Known(doc.title, doc.uid, "title"))
            continue
        sentence = _first_sentence(doc.body)
        if sentence is None:
            continue
        changed[index] = replace(doc, body=doc.body.replace(sentence, " ", 1))
        queries.append(Known(sentence, doc.uid, "sentence"))
    return [changed.get(i, d) for i, d in enumerate(documents)], queries


def reciprocal_rank(found: list[str], wanted: str) -> float:
    return 1.0 / (found.index(wanted) + 1) if wanted in found[:10] else 0.0


def _mean(values: list[float]) -> float:
    return sum(values) / max(1, len(values))


def mrr(run: Callable[[str], list[str]], queries: Iterable[Known]) -> float:
    return _mean([reciprocal_rank(run(k.query), k.uid) for k in queries])


def _or_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


# --- plain Whoosh BM25F -------------------------------------------------------------------


def plain_whoosh(folder: Path, documents: list[Document]) -> tuple[Callable, float]:
    """A default Whoosh set-up: title + body, StandardAnalyzer, BM25F, OR of the words."""
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup
    from whoosh.scoring import BM25F

    schema = Schema(uid=ID(stored=True, unique=True), title=TEXT, body=TEXT)
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    ix = whoosh_index.create_in(str(folder), schema)
    writer = ix.writer(limitmb=256)
    for doc in documents:
        writer.add_document(uid=doc.uid, title=doc.title, body=doc.body)
    writer.commit()
    build = time.perf_counter() - start
    searcher = ix.searcher(weighting=BM25F())
    parser = MultifieldParser(["title", "body"], schema, group=OrGroup)

    def run(text: str) -> list[str]:
        words = _or_words(text)
        if not words:
            return []
        hits = searcher.search(parser.parse(" ".join(words)), limit=10)
        return [hit["uid"] for hit in hits]

    return run, build


# --- SQLite FTS5 --------------------------------------------------------------------------


def fts5(documents: list[Document]) -> tuple[sqlite3.Connection, float]:
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(uid UNINDEXED, title, body, tokenize='porter')"
    )
    start = time.perf_counter()
    connection.executemany(
        "INSERT INTO docs (uid, title, body) VALUES (?, ?, ?)",
        [(d.uid, d.title, d.body) for d in documents],
    )
    connection.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    connection.commit()
    return connection, time.perf_counter() - start


def fts5_match(text: str) -> str:
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(_or_words(text)))


def fts5_ranker(connection: sqlite3.Connection) -> Callable[[str], list[str]]:
    def run(text: str) -> list[str]:
        match = fts5_match(text)
        if not match:
            return []
        rows = connection.execute(
            "SELECT uid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10", (match,)
        )
        return [row[0] for row in rows]

    return run


def fts5_page(connection: sqlite3.Connection) -> Callable[[str], object]:
    """What a search page needs from FTS5: the top ten with snippets, and the total."""

    def run(text: str) -> object:
        match = fts5_match(text)
        if not match:
            return []
        rows = connection.execute(
            "SELECT uid, title, snippet(docs, 2, '<mark>', '</mark>', ' … ', 24) FROM docs "
            "WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10",
            (match,),
        ).fetchall()
        total = connection.execute(
            "SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)
        ).fetchone()[0]
        return rows, total

    return run


# --- ours ---------------------------------------------------------------------------------


def store(documents: list[Document]) -> None:
    """The documents as published articles, in bulk (slug = uid)."""
    from sqlalchemy import insert

    from portal.extensions import db
    from portal.models import Article
    from portal.models.types import utcnow

    now = utcnow()
    rows = [
        {
            "slug": d.uid,
            "title": d.title,
            "summary": d.summary,
            "product": "XenServer",
            "versions": [],
            "tags": list(d.tags),
            "body": d.body,
            "status": "published",
            "created_at": now,
            "updated_at": now,
            "published_at": now,
        }
        for d in documents
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Article), rows[start : start + 5000])
    db.session.commit()


def ours(text: str) -> list[str]:
    from portal import search

    return [hit.key for hit in search.search(text, per_page=10).items]


@dataclass
class CorpusResult:
    name: str
    documents: int
    queries: int
    ours: float
    whoosh: float
    fts5: float
    build_ours: float
    build_whoosh: float
    build_fts5: float
    latency: dict[str, tuple[float, float]] | None = None


def evaluate(
    name: str,
    documents: list[Document],
    queries: list[Known],
    *,
    latency: bool = False,
    tune: list[Known] | None = None,
) -> CorpusResult:
    from bench.kb_search import _make_app, timed
    from portal import search
    from portal.extensions import db

    print(f"\n-- {name}: {len(documents):,} documents, {len(queries)} known-item queries --")
    with tempfile.TemporaryDirectory(prefix="kb-eval-") as tmp:
        folder = Path(tmp)
        app = _make_app(folder)
        with app.app_context():
            store(documents)
            start = time.perf_counter()
            search.rebuild()
            build_ours = time.perf_counter() - start
            if tune:
                tune_weights(tune)
            ours_ranks = [reciprocal_rank(ours(k.query), k.uid) for k in queries]
            timings = None
            connection, build_fts = fts5(documents)
            if latency:
                client = app.test_client()
                texts = [k.query for k in queries]
                timings = {
                    "HTTP /api/v1/kb/search": timed(
                        lambda q: client.get("/api/v1/kb/search", query_string={"q": q}), texts
                    ),
                    "FTS5 in-process": timed(fts5_page(connection), texts),
                }
            search.close_all()
            db.session.remove()
            db.engine.dispose()
        whoosh_run, build_whoosh = plain_whoosh(folder / "plain", documents)
        fts5_run = fts5_ranker(connection)
        ranks = {
            "ours": ours_ranks,
            "whoosh": [reciprocal_rank(whoosh_run(k.query), k.uid) for k in queries],
            "fts5": [reciprocal_rank(fts5_run(k.query), k.uid) for k in queries],
        }
        result = CorpusResult(
            name,
            len(documents),
            len(queries),
            *(_mean(found) for found in ranks.values()),
            len(documents) / build_ours,
            len(documents) / build_whoosh,
            len(documents) / build_fts,
            timings,
        )
        connection.close()
    for kind in sorted({k.kind for k in queries}):
        picked = [i for i, k in enumerate(queries) if k.kind == kind]
        ours_kind, whoosh_kind, fts5_kind = (
            _mean([found[i] for i in picked]) for found in ranks.values()
        )
        print(
            f"  {len(picked)} {kind} queries: ours {ours_kind:.3f}   plain Whoosh BM25F "
            f"{whoosh_kind:.3f}   FTS5 bm25() {fts5_kind:.3f}"
        )
    print(
        f"MRR@10  ours {result.ours:.3f}   plain Whoosh BM25F {result.whoosh:.3f}   "
        f"FTS5 bm25() {result.fts5:.3f}   (ours - best other: "
        f"{result.ours - max(result.whoosh, result.fts5):+.3f})"
    )
    print(
        f"build   ours {result.build_ours:,.0f} docs/s   plain Whoosh {result.build_whoosh:,.0f}"
        f" docs/s   FTS5 {result.build_fts5:,.0f} docs/s   (ours / FTS5: "
        f"{result.build_ours / result.build_fts5:.3f})"
    )
    if timings:
        fts_p95 = timings["FTS5 in-process"][1]
        for label, (p50, p95) in timings.items():
            print(f"{label:24} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  p95/FTS5 {p95 / fts_p95:.2f}")
    return result


def tune_weights(queries: list[Known], rounds: int = 1) -> None:
    """Coordinate search over the query-time weights on the tuning queries; keeps the best."""
    from portal import search
    from portal.search import schema

    def score() -> float:
        search.close_all()
        return mrr(ours, queries)

    best = score()
    print(f"tuning from {dict(schema.FIELD_BOOSTS)}: {best:.3f}")
    for _ in range(rounds):
        for field in list(schema.FIELD_BOOSTS):
            for factor in (0.0, 0.5, 2.0) if field == schema.PAIR_FIELD else (0.5, 2.0):
                before = schema.FIELD_BOOSTS[field]
                schema.FIELD_BOOSTS[field] = round(before * factor, 3)
                found = score()
                if found > best + 1e-4:
                    best = found
                    print(f"  {field}={schema.FIELD_BOOSTS[field]}: {best:.3f}")
                else:
                    schema.FIELD_BOOSTS[field] = before
    print(f"tuned: {dict(schema.FIELD_BOOSTS)} ({best:.3f} on the tuning queries)")
    search.close_all()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluation", description=__doc__)
    parser.add_argument("--queries", type=int, default=400, help="per corpus")
    parser.add_argument("--tune", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    manuals = manual_documents("python") + manual_documents("postgresql")
    print(f"Manuals: {len(manuals):,} sections in {time.perf_counter() - start:.1f}s")
    results = []
    if len(manuals) >= 1_000:
        # Two disjoint samples, always both cut from the bodies: the same documents whether
        # or not this run tunes; the figures reported are on the held-out one.
        docs, tuning = known_items(manuals, args.queries, seed=101)
        held_out = frozenset(k.uid for k in tuning)
        docs, queries = known_items(docs, args.queries, seed=7, exclude=held_out)
        results.append(
            evaluate("manuals", docs, queries, latency=True, tune=tuning if args.tune else None)
        )
    else:
        print("python3-doc / postgresql-doc-15 are not installed: only the shipped KB")
    kb = kb_documents()
    docs, queries = known_items(kb, len(kb), seed=7)
    results.append(evaluate("shipped KB", docs, queries))
    print(f"\n{'corpus':12} {'docs':>7} {'queries':>7} {'ours':>6} {'Whoosh':>7} {'FTS5':>6}")
    for r in results:
        line = f"{r.name:12} {r.documents:7,} {r.queries:7} {r.ours:6.3f} {r.whoosh:7.3f}"
        print(f"{line} {r.fts5:6.3f}")
    print("Target: ours >= both others + 0.15 on the manuals.")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
