"""The open cases have their own (partial) index, for the staff queue and its counts

Revision ID: c3e8f1a7d924
Revises: d5e8a3f1c704
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3e8f1a7d924"
down_revision = "d5e8a3f1c704"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.create_index(
            "ix_cases_open_owner",
            ["owner_id"],
            unique=False,
            postgresql_where=sa.text("status <> 'closed'"),
            sqlite_where=sa.text("status <> 'closed'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_open_owner")
