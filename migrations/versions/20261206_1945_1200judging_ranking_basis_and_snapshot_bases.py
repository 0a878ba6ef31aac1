"""judging: the score that ranks a round (raw or adjusted for each evaluator's severity) and
both bases kept in the frozen ranking

Revision ID: 1200judging
Revises: 1100meetings
Create Date: 2026-12-06 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1200judging'
down_revision = '1100meetings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ranking_basis', sa.Enum('raw', 'adjusted', name='ranking_basis',
                                                               native_enum=False, create_constraint=True,
                                                               length=8),
                                      server_default='raw', nullable=False))
    with op.batch_alter_table('ranking_snapshot_rows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bases', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('ranking_snapshot_rows', schema=None) as batch_op:
        batch_op.drop_column('bases')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rounds_ranking_basis'), type_='check')
        batch_op.drop_column('ranking_basis')
