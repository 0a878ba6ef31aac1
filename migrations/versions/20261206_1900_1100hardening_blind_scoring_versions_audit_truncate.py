"""hardening: blind rounds (discussion phase, locked and reopened scorecards, scorecard
versions, the "revised after discussion" mark) and an audit trail that refuses TRUNCATE

rounds gains discussion_opened_at; scorecards gain version, reopened_at, reopen_reason and
revised_in_discussion; round_entries gains discussion_revised_count (kept by the scoring
standings); scorecard_versions is new. Existing scorecards start at version 0, with no
history (none was kept before). In PostgreSQL a statement-level trigger refuses TRUNCATE of
audit_events, which the row-level append-only trigger cannot see.

Revision ID: 1100hardening
Revises: 1100uxflow
Create Date: 2026-12-06 19:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '1100hardening'
down_revision = '1100uxflow'
branch_labels = None
depends_on = None

# Copied from danvankheo.audit.models at the time of this migration.
NO_TRUNCATE_SQL = """
CREATE OR REPLACE FUNCTION audit_events_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit_events is append-only: TRUNCATE refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate();
"""

DROP_NO_TRUNCATE_SQL = """
DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
DROP FUNCTION IF EXISTS audit_events_no_truncate();
"""

VERSION_KINDS = ('draft', 'submit', 'reopened', 'discussion')


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discussion_opened_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reopen_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('revised_in_discussion', sa.Boolean(), server_default=sa.text('false'),
                                      nullable=False))
        batch_op.create_check_constraint('version_non_negative', 'version >= 0')
        batch_op.create_check_constraint(
            'reopen_has_reason', "reopened_at IS NULL OR (reopen_reason IS NOT NULL AND reopen_reason <> '')")
    with op.batch_alter_table('round_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discussion_revised_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(
            'discussion_revised_within_submitted',
            'discussion_revised_count >= 0 AND discussion_revised_count <= submitted_count')
    op.create_table(
        'scorecard_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scorecard_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*VERSION_KINDS, name='scorecard_version_kind', native_enum=False,
                                  create_constraint=True, length=10), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('total', sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.CheckConstraint('number >= 1', name=op.f('ck_scorecard_versions_number_positive')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_scorecard_versions_actor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'],
                                name=op.f('fk_scorecard_versions_scorecard_id_scorecards'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_versions')),
        sa.UniqueConstraint('scorecard_id', 'number', name=op.f('uq_scorecard_versions_scorecard_id_number')),
    )
    with op.batch_alter_table('scorecard_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecard_versions_scorecard_id'), ['scorecard_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(NO_TRUNCATE_SQL)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(DROP_NO_TRUNCATE_SQL)
    with op.batch_alter_table('scorecard_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecard_versions_scorecard_id'))
    op.drop_table('scorecard_versions')
    with op.batch_alter_table('round_entries', schema=None) as batch_op:
        batch_op.drop_constraint('discussion_revised_within_submitted', type_='check')
        batch_op.drop_column('discussion_revised_count')
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_constraint('reopen_has_reason', type_='check')
        batch_op.drop_constraint('version_non_negative', type_='check')
        batch_op.drop_column('revised_in_discussion')
        batch_op.drop_column('reopen_reason')
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('version')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('discussion_opened_at')
