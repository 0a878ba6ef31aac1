"""roundfigures: the figures of a round that need all its submitted totals, kept beside the
standings: each scored model's adjusted score by each aggregation method (adjusted_scores) and
the panel's agreement (round_statistics). Empty at first: a round without them computes them
on its pages as before, until its next submitted total or `flask scoring check-standings --fix`

Revision ID: 1580roundfigures
Revises: 1570snapshottypes
Create Date: 2026-12-07 10:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1580roundfigures'
down_revision = '1570snapshottypes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('adjusted_scores',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('score_mean', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('score_median', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('score_trimmed_mean', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_adjusted_scores_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_adjusted_scores_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'initiative_id', name=op.f('pk_adjusted_scores'))
    )
    op.create_index(op.f('ix_adjusted_scores_initiative_id'), 'adjusted_scores', ['initiative_id'], unique=False)
    op.create_table('round_statistics',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('max_total', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('alpha', sa.Double(), nullable=True),
    sa.Column('paired_models', sa.Integer(), nullable=False),
    sa.Column('offsets', sa.JSON(), nullable=False),
    sa.CheckConstraint('paired_models >= 0', name=op.f('ck_round_statistics_paired_models_non_negative')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_statistics_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_round_statistics'))
    )


def downgrade():
    op.drop_table('round_statistics')
    op.drop_index(op.f('ix_adjusted_scores_initiative_id'), table_name='adjusted_scores')
    op.drop_table('adjusted_scores')
