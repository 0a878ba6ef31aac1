"""search: pg_trgm and a trigram GIN index on initiatives.search_text (PostgreSQL)

On SQLite the same index is a plain one (postgresql_* options are ignored there), as
`db.create_all()` makes it.

Revision ID: 0800search
Revises: 0310registry
Create Date: 2026-11-22 03:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0800search'
down_revision = '0310registry'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # A trusted extension since PostgreSQL 13: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index('ix_initiatives_listing', 'initiatives', [sa.text('year DESC'), 'sort_name', 'id'],
                        unique=False)
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.create_index(
            'ix_initiatives_search_trgm', ['search_text'], unique=False,
            postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'},
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_initiatives_listing', table_name='initiatives')
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.drop_index('ix_initiatives_search_trgm', postgresql_using='gin')
    # pg_trgm stays: other objects of the database may use it.
