"""HTML mail bodies as plain text: paragraphs and line breaks kept, quotes marked with '>'.

Outlook and some webmail clients send only HTML. What matters for a case is the words and
their layout; nothing of the markup survives (scripts and styles are dropped with their
content), and the text then goes through the same reply extraction as a text part.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Line blocks start a new line (Outlook writes one <div> per line); paragraph blocks also
# leave a blank line around them.
BLOCKS = {
    "address", "article", "div", "dl", "dt", "dd", "fieldset", "figure", "footer", "form",
    "header", "hr", "li", "main", "nav", "section", "tr",
}  # fmt: skip
PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "ul", "table"}
DROPPED = {"script", "style", "head", "title", "template", "noscript", "svg", "math", "object"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quote = 0
        self.pre = 0
        self.skip = 0

    def _newline(self) -> None:
        """Start a new line unless the current one is still empty."""
        if self.lines[-1].strip():
            self.lines.append("")

    def _paragraph(self) -> None:
        """Leave one blank line before what follows."""
        self._newline()
        if len(self.lines) > 1 and self.lines[-2].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED:
            self.skip += 1
        elif tag == "br":
            self.lines.append("")
        elif tag == "blockquote":
            self._paragraph()
            self.quote += 1
        elif tag == "pre":
            self._paragraph()
            self.pre += 1
        elif tag in PARAGRAPHS:
            self._paragraph()
        elif tag in BLOCKS:
            self._newline()
        elif tag in ("td", "th"):
            self.lines[-1] += " "

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self._paragraph()
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._paragraph()
        elif tag in PARAGRAPHS:
            self._paragraph()
        elif tag in BLOCKS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            parts = data.split("\n")
            self._add(parts[0])
            for part in parts[1:]:
                self.lines.append("")
                self._add(part)
            return
        text = re.sub(r"\s+", " ", data.replace("\xa0", " "))
        if not self.lines[-1].strip():
            text = text.lstrip()
        self._add(text)

    def _add(self, text: str) -> None:
        if not text:
            return
        if not self.lines[-1] and self.quote:
            self.lines[-1] = "> " * self.quote
        self.lines[-1] += text


def html_to_text(html: str) -> str:
    """The readable text of an HTML body."""
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # a broken body still gives what was read of it
        pass
    lines = [line.rstrip() for line in parser.lines]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
