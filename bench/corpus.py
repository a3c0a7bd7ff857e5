"""Generated KB articles of realistic technical text, built from the shipped corpus's language.

Sentences and titles are recombined from `kb_articles/`, so the vocabulary, word frequencies
and article lengths look like the real knowledge base, at any size, reproducibly (seeded).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import frontmatter

KB_FOLDER = Path(__file__).resolve().parent.parent / "kb_articles"
PRODUCTS = ["XenServer", "XenCenter", "XenServer Tools"]
VERSIONS = ["4.0", "4.0.1", "4.1", "5.0", "5.5"]
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.-]{2,}")


@dataclass(frozen=True)
class GeneratedArticle:
    slug: str
    title: str
    summary: str
    product: str
    versions: list[str]
    tags: list[str]
    body: str


class CorpusModel:
    """Sentences, titles, tags and words of the shipped corpus."""

    def __init__(self, folder: Path = KB_FOLDER) -> None:
        self.sources: list[dict[str, list[str]]] = []
        tags: set[str] = set()
        for path in sorted(folder.glob("*.md")):
            post = frontmatter.load(path)
            source: dict[str, list[str]] = {
                "title": [str(post.metadata.get("title", ""))],
                "tags": [str(t) for t in post.metadata.get("tags") or []],
                "sentences": [],
                "headings": [],
                "code": [],
            }
            tags.update(source["tags"])
            in_code = False
            for line in post.content.splitlines():
                if line.startswith("```"):
                    in_code = not in_code
                elif in_code:
                    source["code"].append(line)
                elif line.startswith("#"):
                    source["headings"].append(line.lstrip("# "))
                elif line.strip():
                    source["sentences"].extend(
                        s.strip() for s in re.split(r"(?<=[.!?])\s+", line) if len(s) > 20
                    )
            if source["sentences"]:
                self.sources.append(source)
        self.sentences = [s for source in self.sources for s in source["sentences"]]
        self.words = sorted({w.lower() for s in self.sentences for w in _WORD.findall(s)})
        self.tags = sorted(tags)

    def article(self, number: int, rng: random.Random) -> GeneratedArticle:
        """An article about one topic (a shipped article's), with a little of a second one,
        and a few names of its own (error codes, host names), as real articles have; so a
        word is as rare across the generated corpus as it is across the shipped one."""
        main, other = rng.sample(self.sources, 2)
        title_words = main["title"][0].split()
        rng.shuffle(title_words)
        own = [
            f"{rng.choice(['err', 'host', 'sr', 'kb', 'bug'])}{rng.randrange(10**5)}"
            for _ in range(3)
        ]
        title = " ".join(title_words[:7]).capitalize() + f" ({own[0]})"
        sections = []
        for _ in range(rng.randint(2, 5)):
            pool = main if rng.random() < 0.8 else other
            sentences = rng.choices(pool["sentences"], k=rng.randint(3, 7))
            sentences.insert(rng.randrange(len(sentences) + 1), f"See also {rng.choice(own)}.")
            heading = rng.choice(pool["headings"] or main["title"])
            sections.append(f"## {heading}\n\n" + " ".join(sentences))
            if pool["code"] and rng.random() < 0.5:
                sections.append("```\n" + "\n".join(rng.choices(pool["code"], k=4)) + "\n```")
        tags = list(dict.fromkeys(main["tags"][:3] + rng.sample(self.tags, 1)))
        return GeneratedArticle(
            slug=f"generated-{number}",
            title=title,
            summary=rng.choice(main["sentences"])[:300],
            product=rng.choice(PRODUCTS),
            versions=sorted(rng.sample(VERSIONS, rng.randint(1, 3))),
            tags=tags,
            body="\n\n".join(sections),
        )

    def articles(self, count: int, seed: int = 7) -> Iterator[GeneratedArticle]:
        rng = random.Random(seed)
        for number in range(count):
            yield self.article(number, rng)

    def queries(self, count: int, seed: int = 11) -> list[str]:
        """Customer-like queries: the shipped known-item queries plus word mixes of 2-6 words."""
        rng = random.Random(seed)
        shipped = [
            line.split("\t")[0]
            for line in (KB_FOLDER / "QUERIES.tsv").read_text().splitlines()
            if "\t" in line
        ]
        mixes = []
        for _ in range(count):
            words = _WORD.findall(rng.choice(self.sentences))
            start = rng.randrange(max(1, len(words) - 2))
            mixes.append(" ".join(words[start : start + rng.randint(2, 6)]).lower())
        queries = (shipped + mixes)[:count]
        rng.shuffle(queries)
        return queries
