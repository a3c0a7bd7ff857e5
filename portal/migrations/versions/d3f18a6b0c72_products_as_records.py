"""Products and their versions as records; KB articles' review date and view count

The three products that were a configuration list become rows, with the versions released
so far (a data migration), so administrators can keep the catalogue in /admin/products.

Revision ID: d3f18a6b0c72
Revises: b7d41c9e2a55
Create Date: 2026-12-02 15:30:00

"""
from datetime import UTC, date, datetime

from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'd3f18a6b0c72'
down_revision = 'b7d41c9e2a55'
branch_labels = None
depends_on = None

# Frozen here: the catalogue as it stood when products became records.
CATALOGUE = (
    ("XenServer", "xenserver", (
        ("4.0.0", "2007-08-20"), ("4.0.1", "2007-09-10"), ("4.1.0", "2008-03-04"),
        ("5.0.0", "2008-09-15"),
    )),
    ("XenCenter", "xencenter", (
        ("4.0.0", "2007-08-20"), ("4.1.0", "2008-03-04"), ("5.0.0", "2008-09-15"),
    )),
    ("XenServer Tools", "xenserver-tools", (("4.1.0", "2008-03-04"), ("5.0.0", "2008-09-15"))),
)


def upgrade():
    products = op.create_table(
        'products',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('retired_at', UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
        sa.UniqueConstraint('name', name=op.f('uq_products_name')),
        sa.UniqueConstraint('slug', name=op.f('uq_products_slug')),
    )
    versions = op.create_table(
        'product_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('is_released', sa.Boolean(), nullable=False),
        sa.Column('released_on', sa.Date(), nullable=True),
        sa.Column('end_of_support_on', sa.Date(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['product_id'], ['products.id'], name=op.f('fk_product_versions_product_id_products')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_product_versions')),
        sa.UniqueConstraint(
            'product_id', 'version', name=op.f('uq_product_versions_product_id')
        ),
    )
    with op.batch_alter_table('product_versions', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_product_versions_product_id'), ['product_id'], unique=False
        )

    with op.batch_alter_table('kb_articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_at', UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column('view_count', sa.Integer(), server_default='0', nullable=False)
        )


    now = datetime.now(UTC)
    op.bulk_insert(
        products,
        [
            {"id": position + 1, "name": name, "slug": slug, "position": position,
             "created_at": now}
            for position, (name, slug, _) in enumerate(CATALOGUE)
        ],
    )
    op.bulk_insert(
        versions,
        [
            {"product_id": position + 1, "version": version, "is_released": True,
             "released_on": date.fromisoformat(released), "created_at": now}
            for position, (_, _, released_versions) in enumerate(CATALOGUE)
            for version, released in released_versions
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # Rows inserted with explicit ids leave the sequence behind them.
        op.execute("SELECT setval('products_id_seq', (SELECT max(id) FROM products))")
    # Articles already published count as reviewed when they were published.
    op.execute("UPDATE kb_articles SET reviewed_at = published_at WHERE status = 'published'")


def downgrade():
    with op.batch_alter_table('kb_articles', schema=None) as batch_op:
        batch_op.drop_column('view_count')
        batch_op.drop_column('reviewed_at')
    with op.batch_alter_table('product_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_versions_product_id'))
    op.drop_table('product_versions')
    op.drop_table('products')
