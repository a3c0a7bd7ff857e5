"""Known-item ranking over the shipped corpus: a customer's wording finds the right article."""

from portal import search
from tests.kb.conftest import KB_FOLDER


def _queries() -> list[tuple[str, str]]:
    rows = []
    for line in (KB_FOLDER / "QUERIES.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, slug = line.split("\t")[:2]
            rows.append((query.strip(), slug.strip()))
    return rows


def test_every_known_item_query_puts_its_article_in_the_top_three(corpus):
    queries = _queries()
    assert len(queries) >= 20
    misses = []
    for query, slug in queries:
        keys = [hit.key for hit in search.search(query, per_page=3).items]
        if slug not in keys:
            misses.append(f"{query!r}: wanted {slug}, got {keys}")
    assert not misses, "\n".join(misses)


def test_the_case_deflection_panel_suggests_the_article_for_a_described_problem(corpus):
    hits = search.suggest(
        "Host rebooted overnight\n\nOur XenServer host restarted by itself at 3am. "
        "Where does it keep the crash information so we can send it to you?"
    )
    assert "host-crash-dump-retrieval" in [h.key for h in hits[:3]]


def test_the_shipped_corpus_is_indexed_completely(corpus):
    shipped = len(list(KB_FOLDER.glob("*.md")))
    assert search.search("", type="article", per_page=50).total == shipped
