"""Indexes for the staff queue's order, a rare severity and the dashboard's months

The open cases in the queue's order (partial, so only the few percent open), the open cases
by severity, the open escalations, all cases by due time and by filing time. The INCLUDE columns are PostgreSQL's
alone (index-only scans for the queue's counts and the dashboard); SQLite builds the same
indexes without them.

Revision ID: e4b7c2d9f810
Revises: c3e8f1a7d924
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e4b7c2d9f810"
down_revision = "c3e8f1a7d924"
branch_labels = None
depends_on = None

OPEN = "status <> 'closed'"


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.create_index(
            "ix_cases_open_queue",
            [
                sa.text("(first_response_at IS NOT NULL)"),
                sa.text("(response_due_at IS NULL)"),
                "response_due_at",
                sa.text("last_customer_update_at DESC"),
                "filed_at",
                "id",
            ],
            unique=False,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
            postgresql_include=["owner_id", "tier", "severity", "status", "product", "escalated"],
        )
        batch_op.create_index(
            "ix_cases_open_severity",
            ["severity"],
            unique=False,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )
        batch_op.create_index(
            "ix_cases_response_due",
            ["response_due_at"],
            unique=False,
            postgresql_include=[
                "tier",
                "severity",
                "status",
                "first_response_at",
                "closed_at",
                "updated_at",
            ],
        )
        batch_op.create_index("ix_cases_filed_at", ["filed_at", "id"], unique=False)
        batch_op.create_index(
            "ix_cases_open_escalated",
            ["escalated_at"],
            unique=False,
            postgresql_where=sa.text("escalated IS true AND " + OPEN),
            sqlite_where=sa.text("escalated IS 1 AND " + OPEN),
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_open_escalated")
        batch_op.drop_index("ix_cases_filed_at")
        batch_op.drop_index("ix_cases_response_due")
        batch_op.drop_index("ix_cases_open_severity")
        batch_op.drop_index("ix_cases_open_queue")
