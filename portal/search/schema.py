"""The Whoosh schema and the analysers shared by indexing and querying."""

from __future__ import annotations

import re

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer, StopFilter
from whoosh.analysis.filters import STOP_WORDS
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from portal.search.documents import SearchDocument

# Question words customers type that say nothing about the problem ("how do I ...").
QUESTION_WORDS = frozenset(
    "how do does did i my me what where why which who whats there their its it's our "
    "should would could about into after before been has had was were "
    "wont won dont don cant doesnt doesn isnt isn didnt didn".split()
)
STOPLIST = frozenset(STOP_WORDS) | QUESTION_WORDS
TOKEN_PATTERN = r"\w+(?:\.\w+)*"

# One analyser for every full-text field, so a query term is analysed exactly once.
ANALYZER = StemmingAnalyzer(expression=TOKEN_PATTERN, stoplist=STOPLIST, minsize=2)
# The same words unstemmed: what the spelling corrector compares against.
WORDS = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(STOPLIST, minsize=2)

# Query-time boosts: a word in the title says more than the same word deep in the body.
FIELD_BOOSTS = {"title": 4.0, "tags": 2.5, "summary": 2.0, "body": 1.0}
EXCERPT_SOURCE_CHARS = 2_000


def build_schema() -> Schema:
    return Schema(
        uid=ID(unique=True, stored=True),
        type=ID(stored=True),
        key=STORED(),
        url=STORED(),
        sort_title=ID(sortable=True),
        # phrase=False: no positions; queries never use phrases, and postings decode faster.
        # Spelling words come from titles and summaries: a body-wide spelling field would
        # double the indexing work for little gain in suggestions.
        title=TEXT(analyzer=ANALYZER, stored=True, spelling=True, phrase=False),
        summary=TEXT(analyzer=ANALYZER, stored=True, spelling=True, phrase=False),
        tags=TEXT(analyzer=ANALYZER, phrase=False),
        body=TEXT(analyzer=ANALYZER, phrase=False),
        # The start of the body as plain text: highlighted excerpts come from here, so the
        # index need not store (and the searcher need not read) whole articles.
        excerpt=STORED(),
        tag=KEYWORD(commas=True, lowercase=True, stored=True),
        product=ID(stored=True),
        versions=KEYWORD(commas=True, stored=True),
    )


_MARKUP = [
    (re.compile(r"^```.*$", re.M), ""),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"<[^>]{1,200}>"), " "),
    (re.compile(r"^\s{0,3}(?:#{1,6}|>|[-*+]|\d+\.)\s+", re.M), ""),
    (re.compile(r"[*_`|]+"), " "),
    (re.compile(r"\s+"), " "),
]


def plain_excerpt_source(markdown_text: str) -> str:
    """Markdown reduced to readable words for excerpts; no rendering, so bulk indexing is fast."""
    text = markdown_text[: EXCERPT_SOURCE_CHARS * 2]
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text.strip()[:EXCERPT_SOURCE_CHARS]


def index_fields(doc: SearchDocument) -> dict[str, object]:
    """The field values Whoosh stores for one document (and its boost, when it has one)."""
    boost = {"_boost": float(doc.boost)} if doc.boost != 1.0 else {}
    return boost | {
        "uid": doc.uid,
        "type": doc.type,
        "key": doc.key,
        "url": doc.url,
        "title": doc.title,
        "sort_title": doc.title.casefold()[:100],
        "summary": doc.summary,
        "tags": " ".join(doc.tags),
        "body": doc.body,
        "excerpt": plain_excerpt_source(doc.body),
        "tag": ",".join(t.strip().lower() for t in doc.tags if t.strip()),
        "product": doc.product,
        "versions": ",".join(doc.versions),
    }
