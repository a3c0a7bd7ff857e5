"""Indexing analyses text its own fast way; it must give exactly the terms queries look up.

And whatever is typed into search (query syntax, 1,000 characters, stop words only, emoji,
right-to-left text, lone surrogates), the answer is results or a clear message, never a 500.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import search
from portal.search.query import clauses, terms
from portal.search.schema import ANALYZER, analyse, markdown_headings, pair_terms
from tests.kb.conftest import make_article

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list(" .-_#\n")),
    max_size=300,
)
WORDS = st.lists(
    st.sampled_from(
        ["The", "storage", "repository", "NFS", "xe.sr-list", "HOST", "i", "a", "rebooting"]
    ),
    max_size=30,
).map(" ".join)


@given(st.one_of(TEXT, WORDS))
@settings(max_examples=300, deadline=None)
def test_fast_analysis_gives_the_analysers_terms(text):
    assert Counter(analyse(text)) == Counter(token.text for token in ANALYZER(text))


def test_headings_come_from_markdown_headings_outside_code():
    body = "# Storage\n\nText\n\n## Fixing it ##\n\n```\n# a shell comment\n```\nNot#heading"
    assert markdown_headings(body) == ["Storage", "Fixing it"]


def test_neighbouring_query_terms_are_looked_up_as_a_phrase():
    assert pair_terms(["storag", "repositori", "repositori"]) == ["storag repositori"]
    assert ("pairs", "storag repositori") in clauses(terms("the storage of a repository"))


def test_a_phrase_ranks_the_document_with_the_words_together_first(app):
    make_article(
        slug="apart", title="Notes", body="Storage is listed here. Repository comes later."
    )
    make_article(
        slug="together", title="Notes", body="Listed here. The storage repository comes later."
    )
    search.catch_up()
    assert [hit.key for hit in search.search("storage repository").items] == [
        "together",
        "apart",
    ]


def test_a_markdown_heading_counts_more_than_the_same_word_in_the_body(app):
    make_article(slug="in-body", title="Notes", body="Words.\n\nThe quorum is lost here.")
    make_article(slug="in-heading", title="Notes", body="Words.\n\n## Quorum\n\nIt is lost here.")
    search.catch_up()
    assert search.search("quorum").items[0].key == "in-heading"


HOSTILE = st.one_of(
    st.text(max_size=1_000),
    st.sampled_from(
        [
            "x" * 1_000,
            "the of and a to is it how do i",
            "title:(nfs OR) AND NOT *?~2^3",
            '"unbalanced [ { ( \\',
            "🔥💾🖥️ storage 🙂",
            "خطأ في التخزين NFS",  # Arabic
            "שגיאה במאגר",  # Hebrew
            "\ud800 lone \udfff surrogates",
            "\u202e\u200f\u200e right-to-left marks",
            "\x00\x1f control",
        ]
    ),
)


@given(HOSTILE)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_query_gets_results_or_a_clear_message_never_a_500(client, app, query):
    if not search.search("nfs").total:
        make_article()
        search.catch_up()
    # What a browser sends for any text, lone surrogates included: percent-encoded bytes.
    encoded = quote(query, safe="", errors="surrogatepass")
    for path in ("/api/v1/kb/search", "/kb/"):
        response = client.get(f"{path}?q={encoded}")
        assert response.status_code < 500, (path, query)
        if path.startswith("/api") and response.status_code != 200:
            assert response.get_json()["error"]["message"]
    page = search.search(query)
    assert page.total >= len(page.items)
