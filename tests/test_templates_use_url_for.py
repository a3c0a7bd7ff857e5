"""Templates link with url_for, never a written-out path, so a moved route moves its links."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# A link attribute whose value is a path written out: href="/cases/…", hx-get='/kb/'.
LITERAL_ATTRIBUTE = re.compile(
    r"""\b(?:href|src|action|formaction|hx-(?:get|post|put|patch|delete))\s*=\s*["']/""",
    re.IGNORECASE,
)
# A path spelled as a string inside an expression: {{ '/kb/' ~ slug }}, "… else '/forums/'".
LITERAL_IN_EXPRESSION = re.compile(r"""\{\{[^}]*?["']/[\w-]""")


def literal_paths(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern in (LITERAL_ATTRIBUTE, LITERAL_IN_EXPRESSION):
            found += [f"line {number}: {match.group(0)}…" for match in pattern.finditer(line)]
    return found


def test_no_template_writes_out_an_internal_path():
    offenders = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*"))
        if path.suffix in {".html", ".txt"} and (found := literal_paths(path.read_text()))
    }
    assert offenders == {}, "use url_for(...) for these links"


def test_the_scan_catches_each_way_of_writing_a_path():
    samples = [
        '<a href="/cases/{{ c.number }}">',
        "<form action='/login' method=post>",
        '<button hx-post="/kb/x/rating">',
        '<div hx-get="/staff/?view=all">',
        '<link href="/static/app.css">',
        "<a href=\"{{ url_for('kb.search') if ok else '/kb/' }}\">",
    ]
    assert all(literal_paths(sample) for sample in samples)
    assert not literal_paths("<a href=\"{{ url_for('cases.show', number=c.number) }}\">")
    assert not literal_paths('<a href="https://example.com/docs/">')
