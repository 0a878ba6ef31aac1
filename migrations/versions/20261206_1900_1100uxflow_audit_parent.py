"""audit trail: an event may name the object it belongs to (evidence -> its model)

A model's history lists the uploads and removals of its evidence files, also after a
file is deleted: the event keeps the model as its parent. Older evidence events have no
parent (the trail is append-only, so they are not back-filled); the history finds those
through the evidence rows that still exist.

Revision ID: 1100uxflow
Revises: 1100jobs
Create Date: 2026-12-06 19:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "1100uxflow"
down_revision = "1100jobs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("parent_type", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.create_index("ix_audit_events_parent", ["parent_type", "parent_id"])


def downgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_parent")
        batch.drop_column("parent_id")
        batch.drop_column("parent_type")
