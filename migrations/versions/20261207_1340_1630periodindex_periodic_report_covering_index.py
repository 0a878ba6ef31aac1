"""periodindex: an index holding every column the periodic report counts by, so that its
counts per unit and field read the index alone on PostgreSQL (issue 15)

Revision ID: 1630periodindex
Revises: 1620stepdates
Create Date: 2026-12-07 13:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '1630periodindex'
down_revision = '1620stepdates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_initiatives_period', 'initiatives', ['year', 'unit_id', 'field'], unique=False,
                    postgresql_include=['status', 'submitted_at', 'registered_at', 'accepted_at'])


def downgrade():
    op.drop_index('ix_initiatives_period', table_name='initiatives')
