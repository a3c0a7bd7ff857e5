"""Background jobs build links the way views do, using the site's public address."""

from datetime import datetime

from flask import url_for

from portal.extensions import db
from portal.jobs import enqueue, handler
from portal.jobs.registry import isolated_registry
from portal.jobs.runner import run_pass


def test_a_job_can_build_external_links_from_base_url(app):
    app.config["SERVER_NAME"] = None
    app.config["BASE_URL"] = "https://support.example.com"
    links: list[str] = []
    with isolated_registry():

        @handler("test.link")
        def make_link(payload: dict, now: datetime) -> None:
            links.append(url_for("pages.support", _external=True))

        enqueue("test.link", {})
        db.session.commit()
        run_pass()
    assert links == ["https://support.example.com/support/"]
