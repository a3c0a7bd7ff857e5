"""Ideas record when their wording was last edited

Revision ID: 8d3e61a4b2f0
Revises: 5b1f0c2d9e47
Create Date: 2026-11-25 13:10:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = '8d3e61a4b2f0'
down_revision = '5b1f0c2d9e47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', portal.models.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_column('edited_at')
