"""The Support Portal application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from portal.config import defaults, load_secret_key
from portal.extensions import csrf, db, limiter, login_manager, migrate
from portal.models.types import MAX_ID

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then PORTAL_* environment, then test overrides."""
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH", str(root / "instance")),
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(defaults(app.instance_path))
    app.config.from_prefixed_env("PORTAL")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    from portal.cases.standing import at_risk_share

    at_risk_share(app.config)  # a bad PORTAL_SLA_AT_RISK_SHARE stops the app here, not later
    from portal.kb.service import max_article_chars

    max_article_chars(app.config)  # so does a bad PORTAL_KB_MAX_ARTICLE_CHARS

    _init_extensions(app)
    # Before the blueprints: their rules pick the converter up when they are added.
    app.url_map.converters["int"] = IdConverter
    _register_blueprints(app)

    from portal import (
        cookie_session,
        errors,
        guards,
        reader_cache,
        security_headers,
        static_assets,
        templating,
        transactions,
    )
    from portal.cli import register_cli

    # First, so its after_request runs last: a response the commit replaces gets headers too.
    security_headers.register(app)
    cookie_session.register(app)
    transactions.register(app)
    errors.register(app)
    guards.register(app)
    templating.register(app)
    static_assets.register(app)
    reader_cache.register(app)
    register_cli(app)
    return app


class IdConverter(IntegerConverter):
    """`<int:...>` up to the largest database id: a larger number is a 404, not an overflow."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from portal.auth.service import load_session_user

    login_manager.user_loader(load_session_user)


def _register_blueprints(app: Flask) -> None:
    from portal.admin.views import bp as admin_bp
    from portal.api import bp as api_bp
    from portal.auth.views import bp as auth_bp
    from portal.cases.views import bp as cases_bp
    from portal.docs.views import bp as docs_bp
    from portal.forums.views import bp as forums_bp
    from portal.ideas.views import bp as ideas_bp
    from portal.kb.blueprint import kb_blueprint
    from portal.licenses.views import bp as licenses_bp
    from portal.mailgate.views import bp as mailgate_bp
    from portal.pages.views import bp as pages_bp
    from portal.partners.views import bp as partners_bp
    from portal.products.views import bp as products_bp
    from portal.releases.views import bp as releases_bp
    from portal.staff import canned_views as _canned_views  # noqa: F401  (routes on bp)
    from portal.staff import case_views as _staff_case_views  # noqa: F401  (routes on bp)
    from portal.staff.views import bp as staff_bp
    from portal.surveys.views import bp as surveys_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(partners_bp)
    app.register_blueprint(licenses_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(products_bp)
    app.register_blueprint(releases_bp)
    app.register_blueprint(docs_bp)
    app.register_blueprint(kb_blueprint())
    app.register_blueprint(forums_bp)
    app.register_blueprint(ideas_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(mailgate_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")

    # Cases waiting for a bug fix listen for production releases.
    import portal.cases.bugfix  # noqa: F401

    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, not cookies


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL and a busy timeout let the web server and the job worker share one SQLite file."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
