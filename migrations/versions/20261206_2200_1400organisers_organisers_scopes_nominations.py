"""organisers: every level runs its own competition. Organisers (the province, each commune,
optionally a sở), each unit's organiser, roles granted within an organiser, rounds and
deadlines owned by an organiser, nominations up to the organiser above, thematic award forms.

Existing data moves to one default organiser, the first root unit, with nothing lost: every
unit, round and deadline belongs to it, every secretariat, evaluator and observer role is
granted within it.

Revision ID: 1400organisers
Revises: 1300ballot
Create Date: 2026-12-06 22:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1400organisers'
down_revision = '1300ballot'
branch_labels = None
depends_on = None

def _role():
    return sa.Enum('staff', 'evaluator', 'secretariat', 'observer', 'admin', name='role', native_enum=False,
                   create_constraint=True)
SCOPED = "('secretariat', 'evaluator', 'observer')"


def upgrade():
    op.create_table('organisers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('commune', 'department', 'province', name='organiser_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('secretariat_name', sa.String(length=255), nullable=False),
    sa.Column('parent_body_name', sa.String(length=255), nullable=False),
    sa.Column('issuing_body_name', sa.String(length=255), nullable=False),
    sa.Column('number_suffix', sa.String(length=40), nullable=False),
    sa.Column('place_name', sa.String(length=120), nullable=False),
    sa.Column('signer_authority', sa.String(length=120), nullable=False),
    sa.Column('signer_title', sa.String(length=120), nullable=False),
    sa.Column('signer_name', sa.String(length=255), nullable=False),
    sa.Column('decision_body_name', sa.String(length=255), nullable=False),
    sa.Column('decision_number_suffix', sa.String(length=40), nullable=False),
    sa.Column('submission_addressee', sa.String(length=255), nullable=False),
    sa.Column('vote_threshold_percent', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('vote_threshold_percent BETWEEN 1 AND 100', name=op.f('ck_organisers_threshold_range')),
    sa.ForeignKeyConstraint(['parent_id'], ['organisers.id'], name=op.f('fk_organisers_parent_id_organisers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_organisers_unit_id_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisers')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_organisers_unit_id'))
    )
    with op.batch_alter_table('organisers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisers_parent_id'), ['parent_id'], unique=False)

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organiser_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_units_organiser_id'), ['organiser_id'], unique=False)

    # The default organiser: the first root unit, named as config.py named the deployment.
    bind = op.get_bind()
    root = bind.execute(sa.text("SELECT id, kind FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1")).first()
    default_id = None
    if root is not None:
        level = {'commune': 'commune', 'district': 'commune', 'department': 'department'}.get(root.kind, 'province')
        bind.execute(sa.text(
            "INSERT INTO organisers (unit_id, level, parent_id, is_default, secretariat_name, parent_body_name, "
            "issuing_body_name, number_suffix, place_name, signer_authority, signer_title, signer_name, "
            "decision_body_name, decision_number_suffix, submission_addressee, vote_threshold_percent, created_at) "
            "VALUES (:unit, :level, NULL, :yes, '', '', '', '', '', '', '', '', '', '', '', 51, CURRENT_TIMESTAMP)"
        ), {"unit": root.id, "level": level, "yes": True})
        default_id = bind.execute(sa.text("SELECT id FROM organisers WHERE unit_id = :u"), {"u": root.id}).scalar()
        bind.execute(sa.text("UPDATE units SET organiser_id = :o"), {"o": default_id})

    op.create_table('role_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', _role(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.CheckConstraint(f"(role IN {SCOPED}) = (organiser_id IS NOT NULL)", name=op.f('ck_role_grants_scoped_roles_name_organiser')),
    sa.ForeignKeyConstraint(['organiser_id'], ['organisers.id'], name=op.f('fk_role_grants_organiser_id_organisers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants')),
    sa.UniqueConstraint('user_id', 'role', 'organiser_id', name=op.f('uq_role_grants_user_id_role_organiser_id'))
    )
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grants_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_grants_user_id'), ['user_id'], unique=False)
    # Without a unit there is no organiser to hold a scoped role: those grants cannot exist.
    if default_id is not None:
        bind.execute(sa.text(
            f"INSERT INTO role_grants (user_id, role, organiser_id) "
            f"SELECT user_id, role, CASE WHEN role IN {SCOPED} THEN :o ELSE NULL END FROM user_roles "
            f"ORDER BY user_id, role"
        ), {"o": default_id})
    else:
        bind.execute(sa.text(
            f"INSERT INTO role_grants (user_id, role) SELECT user_id, role FROM user_roles "
            f"WHERE role NOT IN {SCOPED} ORDER BY user_id, role"
        ))
    op.drop_table('user_roles')

    for table, ondelete in (('rounds', 'RESTRICT'), ('submission_deadlines', 'CASCADE')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('organiser_id', sa.Integer(), nullable=True))
        if default_id is not None:
            bind.execute(sa.text(f"UPDATE {table} SET organiser_id = :o"), {"o": default_id})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('organiser_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_organiser_id'), ['organiser_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_organiser_id_organisers'), 'organisers',
                                        ['organiser_id'], ['id'], ondelete=ondelete)
    with op.batch_alter_table('submission_deadlines', schema=None) as batch_op:
        batch_op.drop_constraint('uq_submission_deadlines_year', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_submission_deadlines_organiser_id_year'), ['organiser_id', 'year'])

    with op.batch_alter_table('award_forms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_thematic', sa.Boolean(), server_default='0', nullable=False))

    op.create_table('nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('from_organiser_id', sa.Integer(), nullable=False),
    sa.Column('to_organiser_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'accepted', 'returned', name='nomination_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("state <> 'returned' OR (reason IS NOT NULL AND reason <> '')", name=op.f('ck_nominations_returned_has_reason')),
    sa.CheckConstraint('from_organiser_id <> to_organiser_id', name=op.f('ck_nominations_upward')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_nominations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_nominations_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_organiser_id'], ['organisers.id'], name=op.f('fk_nominations_from_organiser_id_organisers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_nominations_initiative_id_initiatives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_organiser_id'], ['organisers.id'], name=op.f('fk_nominations_to_organiser_id_organisers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations')),
    sa.UniqueConstraint('initiative_id', 'to_organiser_id', name=op.f('uq_nominations_initiative_id_to_organiser_id'))
    )
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nominations_from_organiser_id'), ['from_organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nominations_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nominations_to_organiser_id'), ['to_organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nominations_year'), ['year'], unique=False)


def downgrade():
    # Refused rather than lossy: a second organiser's rounds, deadlines, roles or nominations
    # have no place in the single-organiser schema.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM organisers")).scalar() > 1:
        raise RuntimeError("downgrade below 1400organisers needs a single organiser; this database has several")
    op.drop_table('nominations')
    with op.batch_alter_table('award_forms', schema=None) as batch_op:
        batch_op.drop_column('is_thematic')
    with op.batch_alter_table('submission_deadlines', schema=None) as batch_op:
        batch_op.drop_constraint('uq_submission_deadlines_organiser_id_year', type_='unique')
        batch_op.create_unique_constraint('uq_submission_deadlines_year', ['year'])
    for table in ('rounds', 'submission_deadlines'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_organiser_id_organisers', type_='foreignkey')
            batch_op.drop_index(f'ix_{table}_organiser_id')
            batch_op.drop_column('organiser_id')
    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', _role(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    bind.execute(sa.text("INSERT INTO user_roles (user_id, role) SELECT DISTINCT user_id, role FROM role_grants"))
    op.drop_table('role_grants')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index('ix_units_organiser_id')
        batch_op.drop_column('organiser_id')
    op.drop_table('organisers')
