"""ballot: the council's secret ballot on a proposal's candidates: the ballot, its roll
(who may vote and who has voted) and its running totals per candidate (no user, no time)

Revision ID: 1300ballot
Revises: 1200judging
Create Date: 2026-12-06 21:28:56.449458

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1300ballot'
down_revision = '1200judging'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('open', 'closed', name='ballot_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('pass_rule', sa.Enum('majority', 'two_thirds', 'seventy', name='pass_rule', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('members_total', sa.Integer(), nullable=False),
    sa.Column('pass_votes', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_reason', sa.Enum('deadline', 'all_voted', 'secretariat', name='ballot_close_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("state <> 'closed' OR (closed_at IS NOT NULL AND close_reason IS NOT NULL)", name=op.f('ck_ballots_closed_has_time_and_reason')),
    sa.CheckConstraint('closes_at > opened_at', name=op.f('ck_ballots_closes_after_opening')),
    sa.CheckConstraint('members_total >= 1', name=op.f('ck_ballots_members_total_positive')),
    sa.CheckConstraint('pass_votes >= 1 AND pass_votes <= members_total', name=op.f('ck_ballots_pass_votes_within_total')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_ballots_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_ballots_opened_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_ballots_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_ballots_proposal_id'))
    )
    op.create_table('ballot_tallies',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('agree', sa.Integer(), nullable=False),
    sa.Column('disagree', sa.Integer(), nullable=False),
    sa.CheckConstraint('agree >= 0 AND disagree >= 0', name=op.f('ck_ballot_tallies_counts_non_negative')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_tallies_ballot_id_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['proposal_lines.id'], name=op.f('fk_ballot_tallies_line_id_proposal_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ballot_id', 'line_id', name=op.f('pk_ballot_tallies'))
    )
    op.create_table('ballot_voters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('voted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('on_paper', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('NOT on_paper OR voted_at IS NOT NULL', name=op.f('ck_ballot_voters_paper_vote_is_a_vote')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_voters_ballot_id_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_ballot_voters_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ballot_voters_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_voters')),
    sa.UniqueConstraint('ballot_id', 'user_id', name=op.f('uq_ballot_voters_ballot_id_user_id'))
    )
    with op.batch_alter_table('ballot_voters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_voters_ballot_id'), ['ballot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ballot_voters_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('ballot_voters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_voters_user_id'))
        batch_op.drop_index(batch_op.f('ix_ballot_voters_ballot_id'))

    op.drop_table('ballot_voters')
    op.drop_table('ballot_tallies')
    op.drop_table('ballots')
