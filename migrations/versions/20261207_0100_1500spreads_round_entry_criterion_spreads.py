"""spreads: each model's spread per criterion kept on its line of the round, so that the
panel's spread per criterion reads one row per model instead of the round's scores

Revision ID: 1500spreads
Revises: 1400organisers
Create Date: 2026-12-07 01:00:00

"""
import json
from decimal import Decimal

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1500spreads'
down_revision = '1400organisers'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table('round_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criterion_spreads', sa.JSON(), server_default='{}', nullable=False))
    _fill()


def _fill():
    """The spreads of the models already scored twice, from their submitted scores (the same
    figures as `scoring.standings.recompute_entries`, in plain SQL: the models may change)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT e.id, c.code, MAX(s.value) - MIN(s.value) "
        "FROM scores s JOIN scorecards sc ON sc.id = s.scorecard_id "
        "JOIN criteria c ON c.id = s.criterion_id "
        "JOIN round_entries e ON e.round_id = sc.round_id AND e.initiative_id = sc.initiative_id "
        "WHERE sc.state = 'submitted' "
        "GROUP BY e.id, c.code HAVING COUNT(*) >= 2 ORDER BY e.id"
    ))
    spreads: dict[int, dict[str, str]] = {}
    for entry_id, code, spread in rows:
        spreads.setdefault(entry_id, {})[code] = str(Decimal(str(spread)).quantize(Decimal('0.01')))
    update = sa.text("UPDATE round_entries SET criterion_spreads = :spreads WHERE id = :id").bindparams(
        sa.bindparam('spreads', type_=sa.JSON()))
    items = sorted(spreads.items())
    for start in range(0, len(items), BATCH):
        bind.execute(update, [{'id': entry_id, 'spreads': value} for entry_id, value in items[start:start + BATCH]])


def downgrade():
    with op.batch_alter_table('round_entries', schema=None) as batch_op:
        batch_op.drop_column('criterion_spreads')
