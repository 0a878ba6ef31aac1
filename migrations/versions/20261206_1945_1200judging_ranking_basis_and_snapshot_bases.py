"""judging: the score that ranks a round (raw or adjusted for each evaluator's severity),
both bases kept in the frozen ranking, and the warnings of recycled models and reused evidence

Revision ID: 1200judging
Revises: 1100hardening
Create Date: 2026-12-06 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1200judging'
down_revision = '1100hardening'
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
    op.create_table('similarity_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('text', 'evidence', name='similarity_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('score', sa.Numeric(precision=4, scale=3), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.Enum('recycled', 'distinct', name='similarity_decision', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("decision IS NULL OR (reason IS NOT NULL AND reason <> '' AND decided_at IS NOT NULL)", name=op.f('ck_similarity_flags_decision_has_reason')),
    sa.CheckConstraint('initiative_id <> other_id', name=op.f('ck_similarity_flags_not_itself')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_similarity_flags_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_similarity_flags_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_id'], ['initiatives.id'], name=op.f('fk_similarity_flags_other_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_similarity_flags')),
    sa.UniqueConstraint('initiative_id', 'other_id', 'kind', name=op.f('uq_similarity_flags_initiative_id_other_id_kind'))
    )
    with op.batch_alter_table('similarity_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_similarity_flags_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_similarity_flags_other_id'), ['other_id'], unique=False)


def downgrade():
    with op.batch_alter_table('similarity_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_similarity_flags_other_id'))
        batch_op.drop_index(batch_op.f('ix_similarity_flags_initiative_id'))
    op.drop_table('similarity_flags')
    with op.batch_alter_table('ranking_snapshot_rows', schema=None) as batch_op:
        batch_op.drop_column('bases')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rounds_ranking_basis'), type_='check')
        batch_op.drop_column('ranking_basis')
