"""criterionspreads: a round's kept figures also hold the panel's spread per criterion
(round_statistics.criterion_spreads). Figures kept before this revision lack it: they are
dropped, so that those rounds compute their figures on their pages again until their next
submitted total or `flask check-summaries --fix` stores them whole.

Revision ID: 1590criterionspreads
Revises: 1580roundfigures
Create Date: 2026-12-07 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1590criterionspreads'
down_revision = '1580roundfigures'
branch_labels = None
depends_on = None


def upgrade():
    op.execute('DELETE FROM adjusted_scores')
    op.execute('DELETE FROM round_statistics')
    with op.batch_alter_table('round_statistics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criterion_spreads', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('round_statistics', schema=None) as batch_op:
        batch_op.drop_column('criterion_spreads')
