"""Login sessions kept on the server, failed log-ins per account and address, token names

Logging out deletes the session's row, so a replayed cookie is refused; a changed password
deletes them all. Failed log-ins are counted per account name and address for the back-off.
Existing cookies name no session row, so everyone logs in again once after the upgrade.

Revision ID: b7d41c9e2a55
Revises: 7c3d9a5e1f42
Create Date: 2026-12-02 10:30:00

"""
from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'b7d41c9e2a55'
down_revision = '7c3d9a5e1f42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
        sa.UniqueConstraint('digest', name=op.f('uq_login_sessions_digest')),
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)

    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', UTCDateTime(), nullable=False),
        sa.Column('locked_until', UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
        sa.UniqueConstraint('email', 'address', name=op.f('uq_login_failures_email')),
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_email'), ['email'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('name')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_email'))
    op.drop_table('login_failures')
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_user_id'))
    op.drop_table('login_sessions')
