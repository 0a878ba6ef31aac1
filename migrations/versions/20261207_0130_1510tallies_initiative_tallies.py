"""tallies: how many models each unit has by year, status, field and lateness, kept by the
registry in the transaction that changes a model; counted once here from the models

Revision ID: 1510tallies
Revises: 1500spreads
Create Date: 2026-12-07 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1510tallies'
down_revision = '1500spreads'
branch_labels = None
depends_on = None

STATUSES = ('draft', 'submitted', 'returned', 'accepted', 'rejected', 'withdrawn')
FIELDS = ('economy', 'culture_society', 'defence_security', 'political_system')


def upgrade():
    op.create_table('initiative_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='initiative_status', native_enum=False, create_constraint=True,
                                length=9), nullable=False),
    sa.Column('field', sa.String(length=24), nullable=False),
    sa.Column('is_late', sa.Boolean(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_initiative_tallies_count_not_negative')),
    sa.CheckConstraint("field IN ('', " + ", ".join(f"'{f}'" for f in FIELDS) + ")",
                       name=op.f('ck_initiative_tallies_field_known')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_initiative_tallies_unit_id_units'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_tallies')),
    sa.UniqueConstraint('unit_id', 'year', 'status', 'field', 'is_late',
                        name=op.f('uq_initiative_tallies_unit_id_year_status_field_is_late'))
    )
    op.execute(
        "INSERT INTO initiative_tallies (unit_id, year, status, field, is_late, count) "
        "SELECT unit_id, year, status, COALESCE(field, ''), is_late, COUNT(*) FROM initiatives "
        "GROUP BY unit_id, year, status, COALESCE(field, ''), is_late"
    )


def downgrade():
    op.drop_table('initiative_tallies')
