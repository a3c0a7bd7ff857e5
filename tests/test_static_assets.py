"""Static files are linked under fingerprinted names and cached for a year."""

from __future__ import annotations

import re

from portal.static_assets import ONE_YEAR

ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def test_pages_link_fingerprinted_assets_that_are_cached_for_a_year(client, app) -> None:
    html = client.get("/login").get_data(as_text=True)
    assets = ASSET.findall(html)
    assert len(assets) >= 5, assets
    for url in assets:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", url), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cache_control.max_age == ONE_YEAR, url
        assert response.cache_control.immutable, url
        response.close()


def test_a_changed_file_gets_a_new_name(app, tmp_path) -> None:
    from portal.static_assets import fingerprinted_name

    app.static_folder = str(tmp_path)
    (tmp_path / "site.css").write_text("a { color: red }")
    first = fingerprinted_name(app, "site.css")
    app.extensions["static_fingerprints"].clear()  # a new release starts with none
    (tmp_path / "site.css").write_text("a { color: blue }")
    assert fingerprinted_name(app, "site.css") != first


def test_plain_and_outdated_names_still_serve_the_file_but_briefly(client, app) -> None:
    plain = client.get("/static/app.css")
    assert plain.status_code == 200
    assert plain.cache_control.max_age != ONE_YEAR
    outdated = client.get("/static/app.000000000000.css")
    assert outdated.status_code == 200
    assert outdated.cache_control.max_age == 60
    assert client.get("/static/nothing.0123456789ab.css").status_code == 404
    for response in (plain, outdated):
        response.close()
