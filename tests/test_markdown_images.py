"""Images in what people write load only from this site; from elsewhere they are links."""

import html
import re
from urllib.parse import urljoin, urlsplit

from hypothesis import example, given
from hypothesis import strategies as st

from portal.markdown import render_markdown


def test_images_without_alt_text_get_an_empty_one_and_keep_their_own():
    rendered = str(render_markdown('<img src="x.png"> ![diagram](/static/d.png)'))
    assert '<img alt="" src="x.png">' in rendered
    assert 'alt="diagram"' in rendered and rendered.count("alt=") == 2


IMG_SRC = re.compile(r'<img[^>]*\ssrc="([^"]*)"')


def _fetched_from(src: str) -> str | None:
    """The host a browser showing a page at https://portal.test/forums/ would load `src` from,
    after its URL parser's forgiveness (tabs and newlines dropped, backslashes as slashes)."""
    cleaned = html.unescape(src).strip("".join(map(chr, range(0x21))))
    cleaned = "".join(ch for ch in cleaned if ch not in "\t\n\r").replace("\\", "/")
    return urlsplit(urljoin("https://portal.test/forums/", cleaned)).hostname


OFF_SITE_SOURCES = [
    "https://tracker.example/pixel.png",
    "http://tracker.example/pixel.png",
    "//tracker.example/pixel.png",
    "/\\tracker.example/pixel.png",
    "\\\\tracker.example/pixel.png",
    "https:tracker.example/pixel.png",
    "HTTPS://tracker.example/pixel.png",
    "https://user:pass@tracker.example/pixel.png",
]


def test_an_image_from_another_site_becomes_a_link_that_nothing_fetches():
    for src in OFF_SITE_SOURCES:
        for text in (f"![chart]({src})", f'<img src="{src}" alt="chart">'):
            rendered = str(render_markdown(text))
            assert "<img" not in rendered, (src, rendered)
            assert "Image: chart" in rendered and 'rel="nofollow noopener noreferrer"' in rendered


def test_images_on_this_site_still_show():
    rendered = str(render_markdown("![map](/static/map.png) ![d](diagram.png)"))
    assert rendered.count("<img") == 2


def test_no_other_way_to_fetch_from_elsewhere_survives():
    source = (
        '<img src="a.png" srcset="https://tracker.example/x.png 2x">'
        '<p style="background:url(https://tracker.example/y.png)">text</p>'
        "<style>p { background: url(https://tracker.example/z.png) }</style>"
        '<picture><source srcset="https://tracker.example/p.png"></picture>'
        '<video poster="https://tracker.example/v.png"></video>'
        '<svg><image href="https://tracker.example/s.png"/></svg>'
        '<input type="image" src="https://tracker.example/i.png">'
        '<link rel="stylesheet" href="https://tracker.example/c.css">'
    )
    assert "tracker.example" not in str(render_markdown(source))


@given(
    src=st.text(alphabet="/\\:@.?#%&=-_ \tabcdhpstwx1", max_size=30)
    | st.sampled_from(OFF_SITE_SOURCES)
    | st.text(max_size=20).map(lambda s: "https://" + s)
)
@example(src="/\t/tracker.example/p.png")
@example(src=" //tracker.example/p.png")
def test_every_image_left_in_any_post_loads_from_this_site(src):
    for text in (f"![x]({src})", f'<img src="{html.escape(src)}" alt="x">'):
        for shown in IMG_SRC.findall(str(render_markdown(text))):
            assert _fetched_from(shown) == "portal.test", (src, shown)
