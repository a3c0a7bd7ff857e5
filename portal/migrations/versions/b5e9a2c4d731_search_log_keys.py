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
    # A plain ADD COLUMN and a unique index: both are ALTERs SQLite has, so the table is not
    # copied (batch mode would rebuild it, and reflect every table it refers to).
    op.add_column("kb_search_logs", sa.Column("key", sa.String(length=24), nullable=True))
    op.create_index("ix_kb_search_logs_key", "kb_search_logs", ["key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_kb_search_logs_key", table_name="kb_search_logs")
    with op.batch_alter_table("kb_search_logs") as batch_op:
        batch_op.drop_column("key")
