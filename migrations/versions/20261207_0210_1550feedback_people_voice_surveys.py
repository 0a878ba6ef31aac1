"""feedback: the people's voice on each accepted model: its public survey, the running
tallies (verified and open apart), one-time codes (mã phiếu) and the anonymous responses

Revision ID: 1550feedback
Revises: 1540mttq
Create Date: 2026-12-07 00:28:09.735365

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1550feedback'
down_revision = '1540mttq'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('public_code', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_surveys_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys')),
    sa.UniqueConstraint('initiative_id', name=op.f('uq_surveys_initiative_id')),
    sa.UniqueConstraint('public_code', name=op.f('uq_surveys_public_code'))
    )
    op.create_table('survey_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('sheet', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_survey_codes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_codes_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_survey_codes_code'))
    )
    with op.batch_alter_table('survey_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_codes_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_tallies',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('is_verified', sa.Boolean(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('rating_1', sa.Integer(), nullable=False),
    sa.Column('rating_2', sa.Integer(), nullable=False),
    sa.Column('rating_3', sa.Integer(), nullable=False),
    sa.Column('rating_4', sa.Integer(), nullable=False),
    sa.Column('rating_5', sa.Integer(), nullable=False),
    sa.Column('took_part', sa.Integer(), nullable=False),
    sa.Column('rating_sum', sa.Integer(), nullable=False),
    sa.Column('rating_sq_sum', sa.Integer(), nullable=False),
    sa.Column('comments_pending', sa.Integer(), nullable=False),
    sa.CheckConstraint('responses = rating_1 + rating_2 + rating_3 + rating_4 + rating_5', name=op.f('ck_survey_tallies_ratings_add_up')),
    sa.CheckConstraint('responses >= 0 AND took_part >= 0 AND took_part <= responses AND comments_pending >= 0 AND rating_1 >= 0 AND rating_2 >= 0 AND rating_3 >= 0 AND rating_4 >= 0 AND rating_5 >= 0', name=op.f('ck_survey_tallies_counts_non_negative')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_tallies_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'is_verified', name=op.f('pk_survey_tallies'))
    )
    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('took_part', sa.Boolean(), nullable=False),
    sa.Column('residence_unit_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('comment_review', sa.Enum('none', 'pending', 'shown', 'set_aside', name='comment_review', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('comment_reason', sa.Text(), nullable=True),
    sa.Column('comment_reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment_reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('is_verified', sa.Boolean(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('device_hash', sa.String(length=64), nullable=True),
    sa.Column('address_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('counted', 'replaced', 'set_aside', name='survey_response_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('set_aside_reason', sa.Text(), nullable=True),
    sa.Column('set_aside_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('set_aside_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("state <> 'set_aside' OR set_aside_reason IS NOT NULL", name=op.f('ck_survey_responses_set_aside_has_reason')),
    sa.CheckConstraint('length(comment) <= 1000', name=op.f('ck_survey_responses_comment_length')),
    sa.CheckConstraint('rating >= 1 AND rating <= 5', name=op.f('ck_survey_responses_rating_in_range')),
    sa.ForeignKeyConstraint(['code_id'], ['survey_codes.id'], name=op.f('fk_survey_responses_code_id_survey_codes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['comment_reviewed_by_id'], ['users.id'], name=op.f('fk_survey_responses_comment_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['residence_unit_id'], ['units.id'], name=op.f('fk_survey_responses_residence_unit_id_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['set_aside_by_id'], ['users.id'], name=op.f('fk_survey_responses_set_aside_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('code_id', name=op.f('uq_survey_responses_code_id'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_survey_created', ['survey_id', 'created_at'], unique=False)
        batch_op.create_index('ix_survey_responses_survey_device', ['survey_id', 'device_hash'], unique=False)

    # Models accepted before this feature get their survey now (later ones on acceptance).
    import secrets

    connection = op.get_bind()
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    accepted = connection.execute(sa.text("SELECT id FROM initiatives WHERE status = 'accepted' ORDER BY id")).scalars().all()
    now = sa.func.now()
    surveys = sa.table('surveys', sa.column('id', sa.Integer), sa.column('initiative_id', sa.Integer),
                       sa.column('public_code', sa.String), sa.column('created_at', sa.DateTime(timezone=True)))
    tallies = sa.table('survey_tallies', *[sa.column(name, sa.Integer) for name in (
        'survey_id', 'responses', 'rating_1', 'rating_2', 'rating_3', 'rating_4', 'rating_5', 'took_part',
        'rating_sum', 'rating_sq_sum', 'comments_pending')], sa.column('is_verified', sa.Boolean))
    zero = dict.fromkeys(('responses', 'rating_1', 'rating_2', 'rating_3', 'rating_4', 'rating_5', 'took_part',
                          'rating_sum', 'rating_sq_sum', 'comments_pending'), 0)
    for initiative_id in accepted:
        code = "".join(secrets.choice(alphabet) for _ in range(20))
        connection.execute(surveys.insert().values(initiative_id=initiative_id, public_code=code, created_at=now))
        survey_id = connection.execute(sa.select(surveys.c.id).where(surveys.c.initiative_id == initiative_id)).scalar_one()
        connection.execute(tallies.insert(), [{'survey_id': survey_id, 'is_verified': True, **zero},
                                               {'survey_id': survey_id, 'is_verified': False, **zero}])



def downgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_survey_device')
        batch_op.drop_index('ix_survey_responses_survey_created')

    op.drop_table('survey_responses')
    op.drop_table('survey_tallies')
    with op.batch_alter_table('survey_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_codes_survey_id'))

    op.drop_table('survey_codes')
    op.drop_table('surveys')
