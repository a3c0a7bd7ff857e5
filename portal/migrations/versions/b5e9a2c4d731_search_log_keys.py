"""Search log rows are named by a random key, so a search can be logged after its answer

Rows written before this have no key; their result links were answered long ago.

Revision ID: b5e9a2c4d731
Revises: e4b7c2d9f810
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b5e9a2c4d731"
down_revision = "e4b7c2d9f810"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_search_logs") as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=24), nullable=True))
        batch_op.create_unique_constraint("uq_kb_search_logs_key", ["key"])


def downgrade() -> None:
    with op.batch_alter_table("kb_search_logs") as batch_op:
        batch_op.drop_constraint("uq_kb_search_logs_key", type_="unique")
        batch_op.drop_column("key")
