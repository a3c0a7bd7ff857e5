"""Releases keep each fixed bug's title, for the release notes

Revision ID: f2a6d8c4b197
Revises: e7b3c91d5a20
Create Date: 2026-12-02 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a6d8c4b197'
down_revision = 'e7b3c91d5a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fix_titles', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.drop_column('fix_titles')
