"""Canned replies per team, and who is looking at a case right now

Revision ID: 7c3d9a5e1f42
Revises: f2a6d8c4b197
Create Date: 2026-12-02 10:30:00

"""
from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '7c3d9a5e1f42'
down_revision = 'f2a6d8c4b197'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'canned_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team', sa.String(length=80), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team', 'title'),
    )
    with op.batch_alter_table('canned_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canned_replies_team'), ['team'], unique=False)

    op.create_table(
        'case_presence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('activity', sa.String(length=10), nullable=False),
        sa.Column('last_seen_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'user_id'),
    )
    with op.batch_alter_table('case_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_presence_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_presence_case_id'))
    op.drop_table('case_presence')
    with op.batch_alter_table('canned_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canned_replies_team'))
    op.drop_table('canned_replies')
