"""stepdates: each model's registration and last acceptance dates, kept on the model from its
workflow steps (registry.step_dates), so the periodic report groups no steps (issue 15)

Revision ID: 1620stepdates
Revises: 1610registryexport
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1620stepdates'
down_revision = '1610registryexport'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True))
    # The registration step (a model imported without its history: its record's date) and the
    # last step to "accepted", as registry.step_dates computes them.
    op.execute(
        "UPDATE initiatives SET "
        "registered_at = COALESCE((SELECT MIN(t.occurred_at) FROM initiative_transitions t "
        "WHERE t.initiative_id = initiatives.id AND t.from_status IS NULL), created_at), "
        "accepted_at = (SELECT MAX(t.occurred_at) FROM initiative_transitions t "
        "WHERE t.initiative_id = initiatives.id AND t.to_status = 'accepted')"
    )


def downgrade():
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.drop_column('accepted_at')
        batch_op.drop_column('registered_at')
