"""Cases remember the last SLA alert sent to support

Revision ID: 3f7a9c1e5d20
Revises: 8d3e61a4b2f0
Create Date: 2026-11-25 13:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f7a9c1e5d20'
down_revision = '8d3e61a4b2f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_alert_level', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('sla_alert_level')
