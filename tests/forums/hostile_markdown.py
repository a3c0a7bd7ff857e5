"""Hostile Markdown a forum must render harmless; shared by the HTML and the browser tests.

Every payload that could run would set `window.__pwned` or open a dialog.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HOSTILE = [
    "<script>window.__pwned = 'script'</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>window.__pwned='split'</scr</script>ipt>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<img src=x OnErRoR=alert(1)>",
    "<a href=\"javascript:window.__pwned='a'\">click</a>",
    "[link](javascript:window.__pwned='md')",
    "[link](JaVaScRiPt:alert(1))",
    "[link](  javascript:alert(1))",
    "[link](java\tscript:alert(1))",
    "[link](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[link](&#x6A;avascript&colon;alert(1))",
    "[link](javascript&#58;alert(1))",
    "[link](vbscript:msgbox(1))",
    "[link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[link](DATA:text/html,<script>alert(1)</script>)",
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![broken](<javascript:alert(1)>",
    "![a][ref]\n\n[ref]: javascript:alert(1)",
    "[x][r]\n\n[r]: data:text/html,<script>alert(1)</script>",
    "<svg onload=\"window.__pwned='svg'\"><circle r=5></circle></svg>",
    "<svg><script>window.__pwned='svg-script'</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table>"
    "</mtext></math>",
    '<math href="javascript:alert(1)">CLICK</math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "<style>body { background: url(javascript:alert(1)) }</style>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<input autofocus onfocus=\"window.__pwned='focus'\">",
    "<details open ontoggle=\"window.__pwned='toggle'\">x</details>",
    '<body onload="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<a href='#' onclick='alert(1)'>x</a>",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
    "<!--><script>alert(1)</script>-->",
    '<a href="&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">hex</a>',
    '"><script>alert(1)</script>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    '[click](https://example.com "title" onmouseover="alert(1)")',
]

SAFE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
SAFE_SCHEMES = ("http", "https", "mailto")
C0_AND_SPACE = "".join(map(chr, range(0x21)))
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: like the WHATWG URL parser, drop tabs and newlines
    anywhere and control characters or spaces at the ends, ignore case."""
    cleaned = re.sub(r"[\t\n\r]", "", value).strip(C0_AND_SPACE)
    match = SCHEME.match(cleaned.lower())
    return match.group(1) if match else None


class UserContentChecker(HTMLParser):
    """Collects every problem inside `.markdown-body` elements of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 while inside rendered user content
        self.problems: list[str] = []
        self.bodies = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if self.depth == 0:
            if tag == "div" and "markdown-body" in classes.split():
                self.depth, self.bodies = 1, self.bodies + 1
            return
        if tag not in ("br", "hr", "img"):
            self.depth += 1
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "src") and value is not None:
                scheme = url_scheme(value)
                if scheme and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("br", "hr", "img"):
            self.depth -= 1


class PageChecker(HTMLParser):
    """Anywhere on the page: event-handler attributes, or scripts other than the site's own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not (names.get("src") or "").startswith("/static/"):
            self.problems.append("inline or foreign <script>")
        if tag in ("iframe", "object", "embed", "svg", "math", "style", "base", "meta") and (
            tag != "meta" or "http-equiv" in names
        ):
            self.problems.append(f"tag <{tag}>")
        self.problems.extend(f"attribute {n} on <{tag}>" for n in names if n.startswith("on"))


def page_problems(html: str) -> list[str]:
    checker = PageChecker()
    checker.feed(html)
    return checker.problems


def problems_in(html: str) -> tuple[int, list[str]]:
    """(number of user-content blocks seen, problems found in them)."""
    checker = UserContentChecker()
    checker.feed(html)
    return checker.bodies, checker.problems
