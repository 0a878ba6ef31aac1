"""libraryfields: an index on the models' status and field, from which the library counts the
accepted models of each field without reading the table (issue 15)

Revision ID: 1600libraryfields
Revises: 1590criterionspreads
Create Date: 2026-12-07 11:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '1600libraryfields'
down_revision = '1590criterionspreads'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_initiatives_status_field'), 'initiatives', ['status', 'field'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_initiatives_status_field'), table_name='initiatives')
