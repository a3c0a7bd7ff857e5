"""Ideas keep their status history: each change with its note, release, who and when

Revision ID: e7b3c91d5a20
Revises: 26a50efd8ef0
Create Date: 2026-12-02 10:30:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = 'e7b3c91d5a20'
down_revision = '26a50efd8ef0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'idea_status_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('idea_id', sa.Integer(), nullable=False),
        sa.Column('from_status', sa.String(length=20), nullable=False),
        sa.Column('to_status', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('release', sa.String(length=40), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', portal.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], ),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('idea_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_status_changes_idea_id'), ['idea_id'], unique=False)


def downgrade():
    with op.batch_alter_table('idea_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_status_changes_idea_id'))
    op.drop_table('idea_status_changes')
