"""Mail both ways: coalesced case notices, received mail, case mail threads, idea mail opt-out

Revision ID: a4c8e2f19b63
Revises: 3f7a9c1e5d20
Create Date: 2026-11-26 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types


# revision identifiers, used by Alembic.
revision = 'a4c8e2f19b63'
down_revision = '3f7a9c1e5d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outgoing_mail_case_id'), ['case_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outgoing_mail_case_id_cases'), 'cases', ['case_id'], ['id'])

    with op.batch_alter_table('idea_votes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_updates', sa.Boolean(), server_default=sa.true(), nullable=False))

    op.create_table('case_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('template', sa.String(length=100), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('headline', sa.String(length=300), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('markdown', sa.Text(), nullable=True),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('batch', sa.String(length=32), nullable=True),
    sa.Column('mail_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notices_case_id_cases')),
    sa.ForeignKeyConstraint(['mail_id'], ['outgoing_mail.id'], name=op.f('fk_case_notices_mail_id_outgoing_mail')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_case_notices_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notices'))
    )
    with op.batch_alter_table('case_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notices_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_notices_pending', ['case_id', 'recipient_id', 'batch'], unique=False)

    op.create_table('incoming_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason_code', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('received_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('case_message_id', sa.Integer(), nullable=True),
    sa.Column('answer_mail_id', sa.Integer(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answer_mail_id'], ['outgoing_mail.id'], name=op.f('fk_incoming_mail_answer_mail_id_outgoing_mail')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_incoming_mail_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_incoming_mail_case_id_cases')),
    sa.ForeignKeyConstraint(['case_message_id'], ['case_messages.id'], name=op.f('fk_incoming_mail_case_message_id_case_messages')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_incoming_mail_handled_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incoming_mail')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_incoming_mail_dedupe_key'))
    )
    with op.batch_alter_table('incoming_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incoming_mail_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_mail_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_mail_sender'), ['sender'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_mail_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('incoming_mail')
    op.drop_table('case_notices')
    with op.batch_alter_table('idea_votes', schema=None) as batch_op:
        batch_op.drop_column('mail_updates')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outgoing_mail_case_id_cases'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_case_id'))
        batch_op.drop_column('case_id')
