from portal.markdown import render_markdown


def test_images_without_alt_text_get_an_empty_one_and_keep_their_own():
    html = str(render_markdown('<img src="x.png"> ![diagram](https://a.example/d.png)'))
    assert '<img alt="" src="x.png">' in html
    assert 'alt="diagram"' in html and html.count("alt=") == 2
