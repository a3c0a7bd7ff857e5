"""What changed between two revisions, as lines the template shows (Jinja escapes them)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from portal.models import ArticleRevision


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "remove", "context" or "hunk"
    text: str


def revision_text(revision: ArticleRevision | None) -> list[str]:
    """A revision as the lines of its file: front matter fields, then the body."""
    if revision is None:
        return []
    head = [
        f"title: {revision.title}",
        f"summary: {revision.summary}",
        f"product: {revision.product}",
        f"versions: {', '.join(revision.versions or [])}",
        f"tags: {', '.join(revision.tags or [])}",
        f"status: {revision.status}",
        "",
    ]
    return head + revision.body.splitlines()


def revision_diff(
    before: ArticleRevision | None, after: ArticleRevision, context: int = 3
) -> list[DiffLine]:
    lines: list[DiffLine] = []
    diff = difflib.unified_diff(revision_text(before), revision_text(after), lineterm="", n=context)
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            lines.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("remove", line[1:]))
        else:
            lines.append(DiffLine("context", line[1:]))
    return lines
