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
        self.sentences: list[str] = []
        self.titles: list[str] = []
        self.tags: list[str] = []
        self.headings: list[str] = []
        self.code: list[str] = []
        for path in sorted(folder.glob("*.md")):
            post = frontmatter.load(path)
            self.titles.append(str(post.metadata.get("title", "")))
            self.tags.extend(str(t) for t in post.metadata.get("tags") or [])
            in_code = False
            for line in post.content.splitlines():
                if line.startswith("```"):
                    in_code = not in_code
                    continue
                if in_code:
                    self.code.append(line)
                elif line.startswith("#"):
                    self.headings.append(line.lstrip("# "))
                elif line.strip():
                    self.sentences.extend(
                        s.strip() for s in re.split(r"(?<=[.!?])\s+", line) if len(s) > 20
                    )
        self.words = sorted({w.lower() for s in self.sentences for w in _WORD.findall(s)})
        self.tags = sorted(set(self.tags))

    def article(self, number: int, rng: random.Random) -> GeneratedArticle:
        title_words = rng.choice(self.titles).split()
        rng.shuffle(title_words)
        title = " ".join(title_words[:8]).capitalize() + f" ({number})"
        sections = []
        for _ in range(rng.randint(2, 5)):
            paragraph = " ".join(rng.choices(self.sentences, k=rng.randint(3, 8)))
            sections.append(f"## {rng.choice(self.headings)}\n\n{paragraph}")
            if rng.random() < 0.5:
                sections.append("```\n" + "\n".join(rng.choices(self.code, k=4)) + "\n```")
        return GeneratedArticle(
            slug=f"generated-{number}",
            title=title,
            summary=rng.choice(self.sentences)[:300],
            product=rng.choice(PRODUCTS),
            versions=sorted(rng.sample(VERSIONS, rng.randint(1, 3))),
            tags=rng.sample(self.tags, rng.randint(2, 4)),
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
