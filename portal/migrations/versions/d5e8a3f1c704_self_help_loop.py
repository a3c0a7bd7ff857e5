"""The self-help loop: the search log, gaps closed by articles, what readers found missing

Every search is a kb_search_logs row (the query capped at 500 characters, its normalised
wording, filters, result count, the account or nobody, a random per-session id, what was
opened and the case filed afterwards). kb_gap_closures remembers the wordings an article
was written for; kb_article_feedback holds "what was missing" after a "did this help? no".

Revision ID: d5e8a3f1c704
Revises: d3f18a6b0c72
Create Date: 2026-12-02 15:20:00

"""
from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'd5e8a3f1c704'
down_revision = 'd3f18a6b0c72'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kb_search_logs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('query', sa.String(length=500), nullable=False),
        sa.Column('normalized', sa.String(length=500), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('results', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('search_session', sa.String(length=32), nullable=True),
        sa.Column('searched_at', UTCDateTime(), nullable=False),
        sa.Column('opened_path', sa.String(length=300), nullable=True),
        sa.Column('opened_at', UTCDateTime(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['case_id'], ['cases.id'], name=op.f('fk_kb_search_logs_case_id_cases')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_kb_search_logs_user_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_search_logs')),
    )
    with op.batch_alter_table('kb_search_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_search_logs_case_id'), ['case_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_kb_search_logs_normalized'), ['normalized'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_kb_search_logs_search_session'), ['search_session'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_kb_search_logs_searched_at'), ['searched_at'], unique=False
        )

    op.create_table(
        'kb_gap_closures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('normalized', sa.String(length=500), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['article_id'], ['kb_articles.id'], name=op.f('fk_kb_gap_closures_article_id_kb_articles')
        ),
        sa.ForeignKeyConstraint(
            ['closed_by_id'], ['users.id'], name=op.f('fk_kb_gap_closures_closed_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_gap_closures')),
        sa.UniqueConstraint('normalized', name=op.f('uq_kb_gap_closures_normalized')),
    )
    with op.batch_alter_table('kb_gap_closures', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_kb_gap_closures_article_id'), ['article_id'], unique=False
        )

    op.create_table(
        'kb_article_feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('voter', sa.String(length=80), nullable=False),
        sa.Column('text', sa.String(length=1000), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['article_id'], ['kb_articles.id'],
            name=op.f('fk_kb_article_feedback_article_id_kb_articles'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article_feedback')),
        sa.UniqueConstraint('article_id', 'voter', name=op.f('uq_kb_article_feedback_article_id')),
    )
    with op.batch_alter_table('kb_article_feedback', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_kb_article_feedback_article_id'), ['article_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_kb_article_feedback_created_at'), ['created_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('kb_article_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_article_feedback_created_at'))
        batch_op.drop_index(batch_op.f('ix_kb_article_feedback_article_id'))
    op.drop_table('kb_article_feedback')
    with op.batch_alter_table('kb_gap_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_gap_closures_article_id'))
    op.drop_table('kb_gap_closures')
    with op.batch_alter_table('kb_search_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_search_logs_searched_at'))
        batch_op.drop_index(batch_op.f('ix_kb_search_logs_search_session'))
        batch_op.drop_index(batch_op.f('ix_kb_search_logs_normalized'))
        batch_op.drop_index(batch_op.f('ix_kb_search_logs_case_id'))
    op.drop_table('kb_search_logs')
