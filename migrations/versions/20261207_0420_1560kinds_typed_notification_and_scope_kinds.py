"""kinds: a notification's kind is one of the kinds the application sends (a CHECK
constraint); the kinds of unit a year's deadline asks to register are rows of their own
(submission_deadline_kinds), no longer a comma-separated string

Revision ID: 1560kinds
Revises: 1550feedback
Create Date: 2026-12-07 04:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1560kinds'
down_revision = '1550feedback'
branch_labels = None
depends_on = None

# The kinds sent by the application at this revision (NotificationKind). A row of any other
# kind (none is known to have been sent) becomes 'other' rather than failing the CHECK.
NOTIFICATION_KINDS = (
    'initiative_submitted', 'initiative_returned', 'initiative_accepted', 'initiative_rejected',
    'deadline_7_days', 'deadline_1_days', 'deadline_reminder_manual', 'deadline_extended',
    'deadline_extension_revoked', 'scoring_closing', 'scoring.assigned', 'scoring.recusal',
    'scoring.discussion', 'scoring.scorecard_reopened', 'scoring.finalised', 'ballot_open',
    'awards.approved', 'awards.revoked', 'nomination.create', 'nomination.accept', 'nomination.return',
    'supervision_opinion', 'job_done', 'job_failed', 'job_cancelled', 'other',
)
UNIT_KINDS = ('province', 'department', 'commune', 'district', 'division', 'public_service',
              'mass_organisation', 'other')


def upgrade():
    bind = op.get_bind()
    op.create_table('submission_deadline_kinds',
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('unit_kind', sa.Enum(*UNIT_KINDS, name='deadline_unit_kind', native_enum=False,
                                   create_constraint=True, length=17), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['submission_deadlines.id'],
                            name=op.f('fk_submission_deadline_kinds_deadline_id_submission_deadlines'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('deadline_id', 'unit_kind', name=op.f('pk_submission_deadline_kinds'))
    )
    rows = []
    for deadline_id, stored in bind.execute(sa.text('SELECT id, scope_kinds FROM submission_deadlines ORDER BY id')):
        # The application only ever stored known kinds; anything else could not be read back.
        kinds = [k for k in dict.fromkeys((stored or '').split(',')) if k in UNIT_KINDS]
        rows += [{'d': deadline_id, 'k': kind, 'p': position} for position, kind in enumerate(kinds)]
    if rows:
        bind.execute(sa.text('INSERT INTO submission_deadline_kinds (deadline_id, unit_kind, position) '
                             'VALUES (:d, :k, :p)'), rows)
    with op.batch_alter_table('submission_deadlines', schema=None) as batch_op:
        batch_op.drop_column('scope_kinds')

    bind.execute(sa.text('UPDATE notifications SET kind = :other WHERE kind NOT IN :kinds')
                 .bindparams(sa.bindparam('kinds', expanding=True)),
                 {'other': 'other', 'kinds': list(NOTIFICATION_KINDS)})
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=60), type_=sa.String(length=26),
                              existing_nullable=False)
        batch_op.create_check_constraint('notification_kind', f"kind IN {NOTIFICATION_KINDS!r}")


def downgrade():
    bind = op.get_bind()
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_notification_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=26), type_=sa.String(length=60),
                              existing_nullable=False)

    with op.batch_alter_table('submission_deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_kinds', sa.String(length=200), nullable=True))
    kinds: dict[int, list[str]] = {}
    for deadline_id, kind in bind.execute(sa.text(
            'SELECT deadline_id, unit_kind FROM submission_deadline_kinds ORDER BY deadline_id, position')):
        kinds.setdefault(deadline_id, []).append(kind)
    bind.execute(sa.text("UPDATE submission_deadlines SET scope_kinds = ''"))
    if kinds:
        bind.execute(sa.text('UPDATE submission_deadlines SET scope_kinds = :k WHERE id = :d'),
                     [{'d': d, 'k': ','.join(k)} for d, k in kinds.items()])
    with op.batch_alter_table('submission_deadlines', schema=None) as batch_op:
        batch_op.alter_column('scope_kinds', existing_type=sa.String(length=200), nullable=False)
    op.drop_table('submission_deadline_kinds')
