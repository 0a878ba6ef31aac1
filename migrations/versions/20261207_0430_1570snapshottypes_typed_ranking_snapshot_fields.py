"""snapshottypes: the published ranking's unit kind, field and grade are enums with CHECK
constraints, like every other enum column, instead of free strings

Revision ID: 1570snapshottypes
Revises: 1560kinds
Create Date: 2026-12-07 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1570snapshottypes'
down_revision = '1560kinds'
branch_labels = None
depends_on = None

# The members' values as the application has always written them (`.value` of the enums
# UnitKind, Field and Grade); copied here so that this revision never changes with the code.
COLUMNS = {
    'unit_kind': ('snapshot_unit_kind', sa.String(length=40), False,
                  ('province', 'department', 'commune', 'district', 'division', 'public_service',
                   'mass_organisation', 'other')),
    'field': ('snapshot_field', sa.String(length=40), True,
              ('economy', 'culture_society', 'defence_security', 'political_system')),
    'grade': ('snapshot_grade', sa.String(length=20), True, ('excellent', 'good', 'fair', 'fail')),
}


def _check(column, values):
    listed = ', '.join(f"'{value}'" for value in values)
    return f'{column} IN ({listed})'


def upgrade():
    connection = op.get_bind()
    for column, (_name, _old, _nullable, values) in COLUMNS.items():
        # Stop with the offending values rather than drop or guess them: a published result
        # is not to be rewritten by a migration.
        found = connection.execute(sa.text(
            f'SELECT DISTINCT {column} FROM ranking_snapshot_rows WHERE {column} IS NOT NULL'
        )).scalars().all()
        unknown = sorted(set(found) - set(values))
        if unknown:
            raise RuntimeError(f'ranking_snapshot_rows.{column} holds values outside the enum: {unknown}')
    with op.batch_alter_table('ranking_snapshot_rows', schema=None) as batch_op:
        for column, (name, old, nullable, values) in COLUMNS.items():
            batch_op.alter_column(column, existing_type=old, existing_nullable=nullable,
                                  type_=sa.String(length=max(len(v) for v in values)))
            batch_op.create_check_constraint(name, _check(column, values))


def downgrade():
    with op.batch_alter_table('ranking_snapshot_rows', schema=None) as batch_op:
        for column, (name, old, nullable, values) in COLUMNS.items():
            batch_op.drop_constraint(op.f(f'ck_ranking_snapshot_rows_{name}'), type_='check')
            batch_op.alter_column(column, existing_type=sa.String(length=max(len(v) for v in values)),
                                  existing_nullable=nullable, type_=old)
