"""register: awards of other bodies entered by hand (outside_awards), the people they name
(awarded_persons), and which namesake a proposal's candidate is (candidate_matches).

Revision ID: 1520register
Revises: 1510tallies
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1520register'
down_revision = '1510tallies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('awarded_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('name_key', sa.String(length=255), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("full_name <> ''", name=op.f('ck_awarded_persons_named')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_awarded_persons_unit_id_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awarded_persons'))
    )
    with op.batch_alter_table('awarded_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awarded_persons_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_awarded_persons_unit_id'), ['unit_id'], unique=False)

    op.create_table('outside_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('recipient_type', sa.Enum('collective', 'individual', name='recipient_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('decision_number', sa.String(length=60), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('issuing_body', sa.String(length=255), nullable=False),
    sa.Column('form_name', sa.String(length=255), nullable=False),
    sa.Column('level', sa.Enum('commune', 'department', 'province', 'central', 'state', name='award_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=True),
    sa.Column('achievement', sa.Text(), nullable=False),
    sa.Column('scan_storage_key', sa.String(length=200), nullable=True),
    sa.Column('scan_name', sa.String(length=255), nullable=True),
    sa.Column('scan_content_type', sa.String(length=120), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(recipient_type = 'individual') = (person_id IS NOT NULL)", name=op.f('ck_outside_awards_individual_has_person')),
    sa.CheckConstraint("decision_number <> ''", name=op.f('ck_outside_awards_decision_numbered')),
    sa.CheckConstraint("form_name <> ''", name=op.f('ck_outside_awards_form_named')),
    sa.CheckConstraint("issuing_body <> ''", name=op.f('ck_outside_awards_issuing_body_named')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_outside_awards_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_outside_awards_initiative_id_initiatives'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organiser_id'], ['organisers.id'], name=op.f('fk_outside_awards_organiser_id_organisers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['awarded_persons.id'], name=op.f('fk_outside_awards_person_id_awarded_persons'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_outside_awards_unit_id_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outside_awards')),
    sa.UniqueConstraint('scan_storage_key', name=op.f('uq_outside_awards_scan_storage_key'))
    )
    with op.batch_alter_table('outside_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outside_awards_decision_date'), ['decision_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_awards_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_awards_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_awards_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_awards_unit_id'), ['unit_id'], unique=False)

    op.create_table('candidate_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('chosen_by_id', sa.Integer(), nullable=True),
    sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chosen_by_id'], ['users.id'], name=op.f('fk_candidate_matches_chosen_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['line_id'], ['proposal_lines.id'], name=op.f('fk_candidate_matches_line_id_proposal_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['awarded_persons.id'], name=op.f('fk_candidate_matches_person_id_awarded_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_matches')),
    sa.UniqueConstraint('line_id', name=op.f('uq_candidate_matches_line_id'))
    )
    with op.batch_alter_table('candidate_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_matches_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('candidate_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_matches_person_id'))

    op.drop_table('candidate_matches')
    with op.batch_alter_table('outside_awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outside_awards_unit_id'))
        batch_op.drop_index(batch_op.f('ix_outside_awards_person_id'))
        batch_op.drop_index(batch_op.f('ix_outside_awards_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_outside_awards_initiative_id'))
        batch_op.drop_index(batch_op.f('ix_outside_awards_decision_date'))

    op.drop_table('outside_awards')
    with op.batch_alter_table('awarded_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awarded_persons_unit_id'))
        batch_op.drop_index(batch_op.f('ix_awarded_persons_name_key'))

    op.drop_table('awarded_persons')
