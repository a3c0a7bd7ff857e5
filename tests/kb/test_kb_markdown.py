"""portal/markdown.py: the one renderer; hostile input never yields script or event handlers."""

import re

import pytest
from markupsafe import Markup

from portal.markdown import plain_text, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="https://example.com" onclick="steal()" style="color:red">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<svg><g onload="alert(1)"></g></svg>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<form action="https://evil.example"><input name=x></form>',
    "<object data=x.swf></object><embed src=x.swf>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<p title="`onmouseover=alert(1)`">x</p>',
    "[x](vbscript:msgbox(1))",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_without_script_or_handlers(source):
    html = str(render_markdown(source)).lower()
    assert "<script" not in html
    assert "javascript:" not in html and "vbscript:" not in html
    assert "data:" not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html)
    for bad in ("onerror=", "onclick=", "onload=", "style=", "<iframe", "<form", "<object"):
        assert bad not in html
    assert "<embed" not in html and "<style" not in html


def test_renderer_returns_markup_that_jinja_will_not_escape_again():
    assert isinstance(render_markdown("**bold**"), Markup)
    assert str(render_markdown("**bold**")) == "<p><strong>bold</strong></p>"


def test_links_are_kept_but_marked_nofollow_noopener():
    html = str(render_markdown("[docs](https://example.com/guide)"))
    assert 'href="https://example.com/guide"' in html
    assert "nofollow" in html and "noopener" in html


def test_fenced_code_is_highlighted_with_css_classes_not_inline_styles():
    html = str(render_markdown("```bash\nxe vm-list power-state=running\n```"))
    assert '<div class="highlight">' in html and '<span class="o">=</span>' in html
    assert "style=" not in html


def test_code_blocks_show_html_as_text():
    html = str(render_markdown("```\n<script>alert(1)</script>\n```"))
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_tables_keep_their_column_alignment():
    html = str(render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |"))
    assert "<table>" in html and 'align="right"' in html


def test_empty_and_missing_text_render_to_nothing():
    assert str(render_markdown("")) == "" and str(render_markdown(None)) == ""


def test_plain_text_strips_markup_for_previews():
    assert plain_text("## Title\n\n<b>bold</b> and *it*") == "Title bold and it"
