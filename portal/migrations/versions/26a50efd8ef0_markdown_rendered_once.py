"""Markdown is stored rendered beside its source, with the renderer's version

Adds the HTML column and `html_version` to every table whose text is Markdown, and renders
the rows that exist, so pages serve stored HTML from the first request after the upgrade.

Revision ID: 26a50efd8ef0
Revises: a4c8e2f19b63
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '26a50efd8ef0'
down_revision = 'a4c8e2f19b63'
branch_labels = None
depends_on = None

# (table, Markdown column, HTML column)
RENDERED = [
    ("kb_articles", "body", "body_html"),
    ("doc_pages", "body", "body_html"),
    ("releases", "notes", "notes_html"),
    ("forum_posts", "body", "body_html"),
    ("ideas", "body", "body_html"),
    ("case_messages", "body", "body_html"),
]
BATCH = 500


def upgrade():
    for table, _source, html in RENDERED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(html, sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('html_version', sa.String(length=40), nullable=True))
    for table, source, html in RENDERED:
        _fill(table, source, html)


def _fill(table_name, source, html):
    """Render every existing row, a batch at a time (keyset order, so memory stays flat)."""
    from portal.models.rendered import RENDERER_VERSION, render

    connection = op.get_bind()
    table = sa.table(
        table_name, sa.column('id'), sa.column(source), sa.column(html), sa.column('html_version')
    )
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam('row_id'))
        .values({html: sa.bindparam('rendered'), 'html_version': RENDERER_VERSION})
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(table.c.id, table.c[source])
            .where(table.c.id > last_id)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            statement, [{'row_id': row_id, 'rendered': render(text)} for row_id, text in rows]
        )
        last_id = rows[-1][0]


def downgrade():
    for table, _source, html in RENDERED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('html_version')
            batch_op.drop_column(html)
