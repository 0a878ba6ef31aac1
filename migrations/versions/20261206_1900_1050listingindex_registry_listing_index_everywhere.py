"""registry: the listing index (year DESC, sort_name, id) on every PostgreSQL database

The index was added to the already shipped 0800search migration after some databases had
run it, so those never got it. This revision creates it where it is missing; 0800search stays
as it is on main (shipped migrations are never edited again).

Revision ID: 1050listingindex
Revises: 1000standings
Create Date: 2026-12-06 19:00:00

"""
from alembic import op


revision = '1050listingindex'
down_revision = '1000standings'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_initiatives_listing ON initiatives (year DESC, sort_name, id)"
        )


def downgrade():
    # Nothing to undo: 0800search owns the index on databases that ran its later form, and
    # dropping it here would take it from them too.
    pass
