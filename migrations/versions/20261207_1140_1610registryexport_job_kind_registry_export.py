"""registryexport: a job may be the registry list's Excel export (a list past the export
threshold is built by the worker); the job kinds' CHECK constraint lists it

Revision ID: 1610registryexport
Revises: 1600libraryfields
Create Date: 2026-12-07 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1610registryexport'
down_revision = '1600libraryfields'
branch_labels = None
depends_on = None

BEFORE = ('ranking_export', 'periodic_report', 'import', 'reminder_mail', 'dossier_zip')
AFTER = ('ranking_export', 'periodic_report', 'registry_export', 'import', 'reminder_mail', 'dossier_zip')


def _kinds(kinds):
    return sa.Enum(*kinds, name='job_kind', native_enum=False, create_constraint=True, length=15)


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kinds(BEFORE), type_=_kinds(AFTER), existing_nullable=False)


def downgrade():
    op.execute("DELETE FROM jobs WHERE kind = 'registry_export'")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kinds(AFTER), type_=_kinds(BEFORE), existing_nullable=False)
