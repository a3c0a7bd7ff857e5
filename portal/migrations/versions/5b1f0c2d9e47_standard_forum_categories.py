"""Standard forum categories

The product ships with these categories (SPEC §6); they are data every installation needs,
not demo content, so the schema brings them.

Revision ID: 5b1f0c2d9e47
Revises: cc2a10fab6e0
Create Date: 2026-11-25 11:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1f0c2d9e47'
down_revision = 'cc2a10fab6e0'
branch_labels = None
depends_on = None

CATEGORIES = [
    ("xenserver", "XenServer", "Hosts, pools, virtual machines and the hypervisor itself."),
    ("xencenter", "XenCenter", "The Windows management console: views, graphs and wizards."),
    ("installation-and-upgrades", "Installation and Upgrades",
     "First installs, moving between releases, and license keys for a new major version."),
    ("networking", "Networking", "Bonds, VLANs, guest networks and management interfaces."),
    ("storage", "Storage", "Local disks, NFS, iSCSI and Fibre Channel storage repositories."),
    ("feature-requests", "Feature Requests and Suggestions",
     "Talk through ideas; add them to the ideas board so others can vote."),
]

categories = sa.table(
    "forum_categories",
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("position", sa.Integer),
)


def upgrade():
    op.bulk_insert(
        categories,
        [
            {"slug": slug, "name": name, "description": description, "position": position}
            for position, (slug, name, description) in enumerate(CATEGORIES)
        ],
    )


def downgrade():
    op.execute(
        categories.delete().where(categories.c.slug.in_([slug for slug, _, _ in CATEGORIES]))
    )
