"""`flask db upgrade` on an empty database builds exactly the schema the models describe."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from tests.conftest import temporary_postgres_database

POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    with temporary_postgres_database("portal_migrations") as url:
        yield url


# SQLAlchemy cannot reflect SQLite's expression indexes (the queue's order): it says so and
# skips them, and autogenerate then leaves them out of the comparison on both sides.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_upgrade_on_an_empty_database_matches_the_models(empty_database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "INDEX_DIR": str(tmp_path / "index"),
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
            categories = connection.execute(text("SELECT count(*) FROM forum_categories"))
            assert categories.scalar() == 6, "the standard forum categories come with the schema"
        db.engine.dispose()
    assert differences == [], (
        f"models and migrations differ in {len(differences)} place(s); run "
        f"'flask db migrate' and review it. First: {differences[:3]}"
    )


def test_the_upgrade_brings_the_three_products_and_their_versions(empty_database_url, tmp_path):
    from portal.products import service as products

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "INDEX_DIR": str(tmp_path / "index"),
        }
    )
    with app.app_context():
        upgrade()
        assert products.product_names() == ["XenServer", "XenCenter", "XenServer Tools"]
        assert products.released_versions("XenServer Tools") == ["5.0.0", "4.1.0"]
        assert products.seed_standard_products() == "products: 0 versions added"
        # The rows came with explicit ids: the next one must still get a fresh id.
        added = products.create_product("Acme Storage")
        db.session.commit()
        assert added.id == 4
        db.session.remove()
        db.engine.dispose()
