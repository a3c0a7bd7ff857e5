"""Highlighted excerpts: every form of a query word is marked, nothing else, all escaped."""

from __future__ import annotations

from portal.search.excerpts import highlight
from portal.search.query import terms


def _marked(text: str, query: str) -> list[str]:
    excerpt = highlight(text, frozenset(terms(query)))
    assert excerpt is not None
    return [part.split("</mark>")[0] for part in str(excerpt).split("<mark>")[1:]]


def test_each_inflection_of_a_query_word_is_marked_whatever_its_case():
    text = "Storage repositories: a Repository stores disks. Restoring is different."
    assert _marked(text, "repository storage") == ["Storage", "repositories", "Repository"]


def test_stems_that_rewrite_the_ending_are_still_found():
    text = "The stability of the pool improves; the host applies every policy."
    assert _marked(text, "stable apply policies") == ["applies", "policy"]
    assert _marked("Check stability first.", "stability") == ["stability"]


def test_words_inside_other_tokens_are_not_marked():
    text = "Run xe.sr-list, then sr-create; unsorted output is fine."
    assert _marked(text, "sr sort") == ["sr"]  # "xe.sr" is one word; "unsorted" another


def test_no_match_gives_none_and_html_is_escaped():
    assert highlight("Nothing relevant here.", frozenset(terms("nfs"))) is None
    assert highlight("", frozenset(terms("nfs"))) is None
    excerpt = str(highlight("<b onclick=x>NFS</b> & <script>", frozenset(terms("nfs"))))
    assert excerpt == "&lt;b onclick=x&gt;<mark>NFS</mark>&lt;/b&gt; &amp; &lt;script&gt;"


def test_the_window_holding_most_query_words_is_shown_with_ellipses():
    filler = "Unrelated words about nothing in particular go here. " * 12
    text = filler + "Collect the crash dump from the host. " + filler
    excerpt = str(highlight(text, frozenset(terms("host crash dump"))))
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    assert "<mark>crash</mark> <mark>dump</mark> from the <mark>host</mark>" in excerpt
    assert len(excerpt) < 400


def test_text_whose_length_changes_when_lower_cased_keeps_marks_in_place():
    text = "İstanbul office: the NFS share is slow."
    assert _marked(text, "nfs share") == ["NFS", "share"]


def test_the_chosen_window_shows_every_match_it_was_chosen_for():
    gap = "words of no interest at all, " * 3  # 87 characters
    text = "Opening words, " * 5 + "crash " + gap + "dump " + gap + "host. " + gap * 3
    excerpt = str(highlight(text, frozenset(terms("crash dump host"))))
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    for word in ("crash", "dump", "host"):
        assert f"<mark>{word}</mark>" in excerpt
