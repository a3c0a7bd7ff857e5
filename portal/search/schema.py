"""The Whoosh schema and the analysers shared by indexing and querying.

Indexing analyses text once, here, with `analyse` (the same tokens as `ANALYZER`, without
Whoosh's chain of generator filters and `Token` objects per word), and hands Whoosh the term
counts: `PreAnalyzed` fields accept a `{term: count}` mapping. The same token stream gives
the `pairs` field: each two neighbouring terms of the title or body (stop words skipped), so
a query's adjacent words found together in that order score as a phrase. Pairs come from the
title, the headings and the body's first `PAIR_LEAD_TERMS` terms: where a text states what it
is about, at a fraction of the index size and build time that every pair would cost. (On
held-out manual queries and the shipped KB, a lead of 16 terms ranks as well as 64 did, within
0.002 of MRR, and rebuilds about a quarter faster; pairs from whole bodies ranked the shipped
KB worse.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping

from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.filters import STOP_WORDS
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

from portal.search.documents import SearchDocument

# Question words customers type that say nothing about the problem ("how do I ...").
QUESTION_WORDS = frozenset(
    "how do does did i my me what where why which who whats there their its it's our "
    "should would could about into after before been has had was were "
    "wont won dont don cant doesnt doesn isnt isn didnt didn".split()
)
STOPLIST = frozenset(STOP_WORDS) | QUESTION_WORDS
TOKEN_PATTERN = r"\w+(?:\.\w+)*"

_SEPARATORS = re.compile(r"[._]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def word_parts(word: str) -> list[str]:
    """The words inside an identifier, as typed ("os.path.getsize" → os, path, getsize;
    "get_history_length" → get, history, length; "XMLReader" → XML, Reader); empty for a
    plain word. Only ASCII identifiers are split."""
    if not word.isascii():
        return []
    parts = [p for chunk in _SEPARATORS.split(word) for p in _CAMEL.split(chunk) if p]
    return parts if len(parts) > 1 else []


class PartsFilter(Filter):
    """Each token, then the words inside it (`word_parts`): a question in words finds the
    identifier ("history length" finds get_history_length), and the identifier itself still
    matches as a whole."""

    def __call__(self, tokens: Iterator) -> Iterator:
        for token in tokens:
            parts = word_parts(token.text)
            yield token
            for part in parts:
                token.text = part
                yield token


# One analyser for every full-text field, so a query term is analysed exactly once: words
# and the words inside identifiers, lower-cased, without stop words, stemmed.
ANALYZER = (
    RegexTokenizer(TOKEN_PATTERN)
    | PartsFilter()
    | LowercaseFilter()
    | StopFilter(STOPLIST, minsize=2)
    | StemFilter()
)
# The same words unstemmed: what the spelling corrector compares against.
WORDS = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(STOPLIST, minsize=2)

# Query-time boosts: a word in the title says more than the same word deep in the body.
# Tuned on held-out known-item queries over public manuals (bench/evaluation.py --tune).
FIELD_BOOSTS = {
    "title": 4.0,
    "headings": 1.0,
    "tags": 2.5,
    "summary": 2.0,
    "body": 2.0,
    "pairs": 1.5,
    "whole_title": 4.0,
}
# BM25's length normalisation per field (0: a long text counts as much as a short one, 1: in
# proportion to its length); fields not named use scoring.B. Bodies normalised fully: a long
# section mentioning a word once says less about it than a short one (held-out manual queries).
FIELD_B: dict[str, float] = {"body": 1.0}
# The fields a single query term is looked up in; `pairs` holds two-term phrases instead.
TERM_FIELDS = ("title", "headings", "tags", "summary", "body")
PAIR_FIELD = "pairs"
# The whole analysed title as one term: a query that is a document's title, word for word
# (after stemming and stop words), matches it here as well as word by word.
WHOLE_TITLE_FIELD = "whole_title"
EXCERPT_SOURCE_CHARS = 2_000
PAIR_LEAD_TERMS = 16
MAX_STEMS = 200_000  # cached stems of distinct words: a few tens of MB at most

_TOKEN = re.compile(TOKEN_PATTERN)
_stems: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _word_terms(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The terms of one token as typed, its own then its parts' (see `ANALYZER`), and the
    same words unstemmed."""
    found = []
    for piece in [word, *word_parts(word)]:
        piece = piece.lower()
        if len(piece) >= 2 and piece not in STOPLIST:
            found.append(piece)
    return tuple(stem(piece) for piece in found), tuple(found)


def _analysed(text: str, unstemmed: bool) -> list[str]:
    stems = _stems
    which = 1 if unstemmed else 0
    found: list[str] = []
    for word in _TOKEN.findall(text):
        terms = stems.get(word)
        if terms is None:
            if len(stems) >= MAX_STEMS:
                stems.clear()
            terms = stems[word] = _word_terms(word)
        found.extend(terms[which])
    return found


def analyse(text: str) -> list[str]:
    """The index terms of `text` in order: exactly what `ANALYZER` yields, much faster."""
    return _analysed(text, False)


def unstemmed(text: str) -> list[str]:
    """The words `ANALYZER` yields before stemming (its `no_morph=True`): spelling words."""
    return _analysed(text, True)


class Analysed(Counter):
    """A text's term counts, with its unstemmed words for the field's spelling words."""

    def __init__(self, text: str) -> None:
        super().__init__(analyse(text))
        self.words = unstemmed(text)


def pair_terms(term_list: list[str]) -> list[str]:
    """Each two neighbouring terms as one `pairs` term ("storag repositori")."""
    return [f"{a} {b}" for a, b in zip(term_list, term_list[1:], strict=False) if a != b]


def whole_term(term_list: list[str]) -> str:
    """A text's distinct terms in order as one `whole_title` term ("storag repositori")."""
    return " ".join(dict.fromkeys(term_list))


class PreAnalyzed(TEXT):
    """A TEXT field that also takes its terms already counted: `{term: frequency}`.

    Scores and lengths are those of the same text analysed by the field's analyser.
    """

    def index(self, value: object, **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        if isinstance(value, Mapping):
            return (
                (term.encode("utf-8"), freq, float(freq), pack_uint(freq))
                for term, freq in value.items()
            )
        return super().index(value, **kwargs)

    def spellable_words(self, value: object) -> Iterator[str]:
        if isinstance(value, Analysed):
            return iter(sorted(set(value.words)))
        return super().spellable_words(value)


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
        # Indexed from `Analysed` counts, stored as written (`_stored_title`).
        title=PreAnalyzed(analyzer=ANALYZER, stored=True, spelling=True, phrase=False),
        summary=PreAnalyzed(analyzer=ANALYZER, stored=True, spelling=True, phrase=False),
        # Markdown "#" headings of the body: a word in a heading names what a part is about.
        headings=PreAnalyzed(analyzer=ANALYZER, phrase=False),
        tags=PreAnalyzed(analyzer=ANALYZER, phrase=False),
        body=PreAnalyzed(analyzer=ANALYZER, phrase=False),
        pairs=PreAnalyzed(analyzer=ANALYZER, phrase=False),
        whole_title=PreAnalyzed(analyzer=ANALYZER, phrase=False),
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


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def markdown_headings(markdown_text: str) -> list[str]:
    """The text of the Markdown "#" headings, outside fenced code (where "#" is a comment)."""
    found, fenced = [], False
    for line in markdown_text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and stripped.startswith("#"):
            heading = _HEADING.match(line)
            if heading:
                found.append(heading.group(1))
    return found


def index_fields(doc: SearchDocument) -> dict[str, object]:
    """The field values Whoosh indexes and stores for one document (text pre-analysed), and
    its boost when it has one (a solved forum thread's)."""
    boost = {"_boost": float(doc.boost)} if doc.boost != 1.0 else {}
    title_terms = analyse(doc.title)
    body_terms = analyse(doc.body)
    heading_terms = analyse("\n".join(markdown_headings(doc.body)))
    pairs = pair_terms(title_terms) + pair_terms(heading_terms)
    pairs += pair_terms(body_terms[:PAIR_LEAD_TERMS])
    return boost | {
        "uid": doc.uid,
        "type": doc.type,
        "key": doc.key,
        "url": doc.url,
        "title": Analysed(doc.title),
        "_stored_title": doc.title,
        "sort_title": doc.title.casefold()[:100],
        "summary": Analysed(doc.summary),
        "_stored_summary": doc.summary,
        "headings": Counter(heading_terms),
        "tags": Counter(analyse(" ".join(doc.tags))),
        "body": Counter(body_terms),
        "pairs": Counter(pairs),
        "whole_title": {whole_term(title_terms): 1} if title_terms else {},
        "excerpt": plain_excerpt_source(doc.body),
        "tag": ",".join(t.strip().lower() for t in doc.tags if t.strip()),
        "product": doc.product,
        "versions": ",".join(doc.versions),
    }
