"""Fenced code inside a numbered step renders as a code block, as it does at the left margin."""

from portal.markdown import render_markdown

STEPS = """1. List the storage repositories:

    ```
    xe sr-list type=nfs
    ```

2. Plug the broken one back in:

    ```bash
    xe pbd-plug uuid=<pbd>
    ```
"""


def test_a_fenced_block_inside_a_numbered_step_is_a_block_not_inline_code():
    html = str(render_markdown(STEPS))
    assert html.count("<li>") == 2 and html.count("<pre>") == 2
    first_step = html.split("<li>")[1]
    assert "<pre><span></span><code>xe sr-list type=nfs\n</code></pre>" in first_step
    assert "<p><code>" not in html  # the old rendering: an inline chip in a paragraph


def test_fences_at_the_margin_and_their_escaping_are_unchanged():
    html = str(render_markdown("```\n<script>alert(1)</script>\n```"))
    assert "<pre>" in html and "<script>" not in html and "&lt;script&gt;" in html
