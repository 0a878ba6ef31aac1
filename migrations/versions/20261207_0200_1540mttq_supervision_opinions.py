"""mttq: the supervisor role (Mặt trận Tổ quốc, đoàn thể) granted within an organiser, and
its supervision opinions on accepted models with every version kept.

Revision ID: 1540mttq
Revises: 1530certificates
Create Date: 2026-12-07 01:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1540mttq'
down_revision = '1530certificates'
branch_labels = None
depends_on = None

OLD_ROLES = ('staff', 'evaluator', 'secretariat', 'observer', 'admin')
NEW_ROLES = OLD_ROLES + ('supervisor',)
OLD_SCOPED = "('secretariat', 'evaluator', 'observer')"
NEW_SCOPED = "('secretariat', 'evaluator', 'observer', 'supervisor')"
TEXT_CHECK = 'length(text) >= 1 AND length(text) <= 4000'
FILE_CHECK = ('(file_storage_key IS NULL) = (file_name IS NULL) AND (file_storage_key IS NULL) = (file_type IS NULL)'
              ' AND (file_storage_key IS NULL) = (file_size IS NULL)')


def _roles_check(roles, scoped):
    # Both CHECK constraints of role_grants name the roles: the enum's and the scoped one.
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_grants_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_role_grants_scoped_roles_name_organiser'), type_='check')
        batch_op.create_check_constraint('role', f"role IN {tuple(roles)!r}")
        batch_op.create_check_constraint('scoped_roles_name_organiser',
                                         f"(role IN {scoped}) = (organiser_id IS NOT NULL)")


def _content_columns():
    return [
        sa.Column('stance', sa.Enum('agree', 'partly', 'disagree', name='supervision_stance', native_enum=False,
                                    create_constraint=True, length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=True),
        sa.Column('file_storage_key', sa.String(length=200), nullable=True),
        sa.Column('file_type', sa.String(length=100), nullable=True),
        sa.Column('file_size', sa.BigInteger(), nullable=True),
    ]


def upgrade():
    _roles_check(NEW_ROLES, NEW_SCOPED)
    op.create_table('supervision_opinions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body_name', sa.String(length=255), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    *_content_columns(),
    sa.CheckConstraint(TEXT_CHECK, name=op.f('ck_supervision_opinions_text_length')),
    sa.CheckConstraint(FILE_CHECK, name=op.f('ck_supervision_opinions_file_complete')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_supervision_opinions_version_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_supervision_opinions_author_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_supervision_opinions_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_id'], ['organisers.id'], name=op.f('fk_supervision_opinions_organiser_id_organisers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_opinions')),
    sa.UniqueConstraint('initiative_id', 'author_id', name=op.f('uq_supervision_opinions_initiative_id_author_id'))
    )
    with op.batch_alter_table('supervision_opinions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_opinions_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_opinions_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_opinions_organiser_id'), ['organiser_id'], unique=False)

    op.create_table('supervision_opinion_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opinion_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    *_content_columns(),
    sa.CheckConstraint(TEXT_CHECK, name=op.f('ck_supervision_opinion_versions_text_length')),
    sa.CheckConstraint(FILE_CHECK, name=op.f('ck_supervision_opinion_versions_file_complete')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_supervision_opinion_versions_version_positive')),
    sa.ForeignKeyConstraint(['opinion_id'], ['supervision_opinions.id'], name=op.f('fk_supervision_opinion_versions_opinion_id_supervision_opinions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_opinion_versions')),
    sa.UniqueConstraint('opinion_id', 'version', name=op.f('uq_supervision_opinion_versions_opinion_id_version'))
    )
    with op.batch_alter_table('supervision_opinion_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_opinion_versions_opinion_id'), ['opinion_id'], unique=False)


def downgrade():
    with op.batch_alter_table('supervision_opinion_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_opinion_versions_opinion_id'))
    op.drop_table('supervision_opinion_versions')
    with op.batch_alter_table('supervision_opinions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_opinions_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_opinions_initiative_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_opinions_author_id'))
    op.drop_table('supervision_opinions')
    # The supervisors' grants go with their role: they cannot exist under the old constraint.
    op.execute("DELETE FROM role_grants WHERE role = 'supervisor'")
    _roles_check(OLD_ROLES, OLD_SCOPED)
