"""An index of the cases on support's move, for the dashboard's longest waiting

Partial (new, assigned, waiting on support: a few percent of all cases) and, on PostgreSQL,
carrying every column the breach test and the wait read, so the dashboard's list and counts
come from the index alone. A plain CREATE INDEX on both databases: the table is not copied.

Revision ID: a7d3f5e1c820
Revises: b5e9a2c4d731
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a7d3f5e1c820"
down_revision = "b5e9a2c4d731"
branch_labels = None
depends_on = None

SUPPORTS_MOVE = "status IN ('new', 'assigned', 'waiting_on_support')"


def upgrade() -> None:
    op.create_index(
        "ix_cases_supports_move",
        "cases",
        ["id"],
        unique=False,
        postgresql_where=sa.text(SUPPORTS_MOVE),
        sqlite_where=sa.text(SUPPORTS_MOVE),
        postgresql_include=[
            "tier",
            "severity",
            "status",
            "response_due_at",
            "first_response_at",
            "last_customer_update_at",
            "filed_at",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_cases_supports_move", table_name="cases")
