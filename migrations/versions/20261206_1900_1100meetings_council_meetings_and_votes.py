"""meetings: the council meeting (biên bản họp Hội đồng Thi đua - Khen thưởng) of a
proposal and the "đồng ý" votes of each candidate

Revision ID: 1100meetings
Revises: 1050listingindex
Create Date: 2026-12-06 18:57:35.766169

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1100meetings'
down_revision = '1050listingindex'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=255), nullable=False),
    sa.Column('chair_name', sa.String(length=255), nullable=False),
    sa.Column('chair_title', sa.String(length=255), nullable=False),
    sa.Column('secretary_name', sa.String(length=255), nullable=False),
    sa.Column('members_total', sa.Integer(), nullable=False),
    sa.Column('members_present', sa.Integer(), nullable=False),
    sa.Column('pass_votes', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("place <> '' AND chair_name <> '' AND secretary_name <> ''", name=op.f('ck_council_meetings_named')),
    sa.CheckConstraint('members_present >= 1 AND members_present <= members_total', name=op.f('ck_council_meetings_present_within_total')),
    sa.CheckConstraint('members_total >= 1', name=op.f('ck_council_meetings_members_total_positive')),
    sa.CheckConstraint('pass_votes >= 1 AND pass_votes <= members_total', name=op.f('ck_council_meetings_pass_votes_within_total')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_council_meetings_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_council_meetings_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_meetings')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_council_meetings_proposal_id'))
    )
    op.create_table('council_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('votes_for', sa.Integer(), nullable=False),
    sa.CheckConstraint('votes_for >= 0', name=op.f('ck_council_votes_votes_non_negative')),
    sa.ForeignKeyConstraint(['line_id'], ['proposal_lines.id'], name=op.f('fk_council_votes_line_id_proposal_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_council_votes_meeting_id_council_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_votes')),
    sa.UniqueConstraint('meeting_id', 'line_id', name=op.f('uq_council_votes_meeting_id_line_id'))
    )
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_votes_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_votes_meeting_id'), ['meeting_id'], unique=False)



def downgrade():
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_votes_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_council_votes_line_id'))

    op.drop_table('council_votes')
    op.drop_table('council_meetings')
