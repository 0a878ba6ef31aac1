"""standings: each model's and panel member's figures in a round, kept by the scoring services

round_entries gains the model's counts (active and recused assignments, submitted
scorecards), its final score by each aggregation method, the spread of its totals and its
criterion means; panel_members gains the member's counts (assigned, recused, submitted,
drafts). The ranking and progress pages read these instead of grouping every score
(danvankheo.scoring.standings). Existing rows are filled from the scorecards here, with the
arithmetic of danvankheo.scoring.aggregation copied below so that later edits there do not
change history.

Revision ID: 1000standings
Revises: 0900appendonly
Create Date: 2026-11-22 07:20:00

"""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

revision = '1000standings'
down_revision = '0900appendonly'
branch_labels = None
depends_on = None

ENTRY_COUNTS = ('assigned_count', 'recused_count', 'submitted_count')
PANEL_COUNTS = ('assigned_count', 'recused_count', 'submitted_count', 'draft_count')
ENTRY_SCORES = ('score_mean', 'score_median', 'score_trimmed_mean')
TWO_PLACES = Decimal('0.01')

ENTRY_COUNTS_CHECK = 'assigned_count >= 0 AND recused_count >= 0 AND submitted_count >= 0'
ENTRY_SCORES_CHECK = (
    "(submitted_count = 0 AND score_mean IS NULL AND score_median IS NULL "
    "AND score_trimmed_mean IS NULL AND spread IS NULL) OR "
    "(submitted_count > 0 AND score_mean IS NOT NULL AND score_median IS NOT NULL "
    "AND score_trimmed_mean IS NOT NULL AND spread >= 0)"
)
PANEL_COUNTS_CHECK = ('assigned_count >= 0 AND recused_count >= 0 AND submitted_count >= 0 '
                      'AND draft_count >= 0')


def upgrade():
    with op.batch_alter_table('round_entries', schema=None) as batch_op:
        for name in ENTRY_COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))
        for name in ENTRY_SCORES:
            batch_op.add_column(sa.Column(name, sa.Numeric(precision=8, scale=2), nullable=True))
        batch_op.add_column(sa.Column('spread', sa.Numeric(precision=5, scale=1), nullable=True))
        batch_op.add_column(sa.Column('criterion_means', sa.JSON(), server_default='{}', nullable=False))
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        for name in PANEL_COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))

    _backfill(op.get_bind())

    with op.batch_alter_table('round_entries', schema=None) as batch_op:
        batch_op.create_check_constraint('counts_non_negative', ENTRY_COUNTS_CHECK)
        batch_op.create_check_constraint('scores_iff_submitted', ENTRY_SCORES_CHECK)
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.create_check_constraint('counts_non_negative', PANEL_COUNTS_CHECK)


def downgrade():
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_panel_members_counts_non_negative'), type_='check')
        for name in reversed(PANEL_COUNTS):
            batch_op.drop_column(name)
    with op.batch_alter_table('round_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_round_entries_scores_iff_submitted'), type_='check')
        batch_op.drop_constraint(op.f('ck_round_entries_counts_non_negative'), type_='check')
        batch_op.drop_column('criterion_means')
        batch_op.drop_column('spread')
        for name in reversed(ENTRY_SCORES):
            batch_op.drop_column(name)
        for name in reversed(ENTRY_COUNTS):
            batch_op.drop_column(name)


# --- Filling the figures of existing rounds -----------------------------------------------------


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _scores(totals: list[Decimal]) -> dict:
    """mean, median, trimmed mean (from 5 totals, without the highest and the lowest), spread."""
    ordered = sorted(totals)
    n = len(ordered)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    trimmed = ordered[1:-1] if n >= 5 else ordered
    return {
        'score_mean': _quantize(sum(ordered, Decimal(0)) / n),
        'score_median': _quantize(median),
        'score_trimmed_mean': _quantize(sum(trimmed, Decimal(0)) / len(trimmed)),
        'spread': ordered[-1] - ordered[0],
    }


def _backfill(bind) -> None:
    entries = sa.table(
        'round_entries', sa.column('round_id', sa.Integer()), sa.column('initiative_id', sa.Integer()),
        *(sa.column(name, sa.Integer()) for name in ENTRY_COUNTS),
        *(sa.column(name, sa.Numeric(8, 2)) for name in ENTRY_SCORES),
        sa.column('spread', sa.Numeric(5, 1)), sa.column('criterion_means', sa.JSON()),
    )
    panel = sa.table('panel_members', sa.column('round_id', sa.Integer()), sa.column('user_id', sa.Integer()),
                     *(sa.column(name, sa.Integer()) for name in PANEL_COUNTS))
    update_entry = entries.update().where(
        entries.c.round_id == sa.bindparam('b_round'), entries.c.initiative_id == sa.bindparam('b_key')
    ).values({name: sa.bindparam(f'b_{name}') for name in (*ENTRY_COUNTS, *ENTRY_SCORES, 'spread',
                                                              'criterion_means')})
    update_panel = panel.update().where(
        panel.c.round_id == sa.bindparam('b_round'), panel.c.user_id == sa.bindparam('b_key')
    ).values({name: sa.bindparam(f'b_{name}') for name in PANEL_COUNTS})

    for (round_id,) in bind.execute(sa.text('SELECT id FROM rounds ORDER BY id')).all():
        params = {'r': round_id}
        codes = dict(bind.execute(sa.text('SELECT id, code FROM criteria WHERE round_id = :r'), params).all())
        figures = defaultdict(lambda: {'assigned_count': 0, 'recused_count': 0, 'submitted_count': 0,
                                       'score_mean': None, 'score_median': None,
                                       'score_trimmed_mean': None, 'spread': None, 'criterion_means': {}})
        totals = defaultdict(list)
        for initiative_id, total in bind.execute(sa.text(
            "SELECT initiative_id, total FROM scorecards WHERE round_id = :r AND state = 'submitted'"
        ), params):
            totals[initiative_id].append(_decimal(total))
        for initiative_id, values in totals.items():
            figures[initiative_id].update(submitted_count=len(values), **_scores(values))
        for initiative_id, criterion_id, total, count in bind.execute(sa.text(
            "SELECT c.initiative_id, s.criterion_id, sum(s.value), count(*) FROM scores s "
            "JOIN scorecards c ON c.id = s.scorecard_id WHERE c.round_id = :r AND c.state = 'submitted' "
            "GROUP BY c.initiative_id, s.criterion_id"
        ), params):
            if criterion_id in codes:
                means = figures[initiative_id]['criterion_means']
                means[codes[criterion_id]] = str(_quantize(_decimal(total) / count))
        for initiative_id, status, count in bind.execute(sa.text(
            "SELECT initiative_id, status, count(*) FROM assignments WHERE round_id = :r "
            "GROUP BY initiative_id, status"
        ), params):
            figures[initiative_id]['assigned_count' if status == 'assigned' else 'recused_count'] = count
        rows = [
            {'b_round': round_id, 'b_key': key,
             **{f'b_{name}': value for name, value in values.items() if name != 'criterion_means'},
             'b_criterion_means': dict(sorted(values['criterion_means'].items()))}
            for key, values in figures.items()
        ]
        for start in range(0, len(rows), 5000):
            bind.execute(update_entry, rows[start:start + 5000])

        members = bind.execute(sa.text(
            "SELECT a.evaluator_id, "
            "sum(CASE WHEN a.status = 'assigned' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN a.status = 'recused' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN c.state = 'submitted' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN c.state = 'draft' THEN 1 ELSE 0 END) "
            "FROM assignments a LEFT JOIN scorecards c ON c.round_id = a.round_id "
            "AND c.initiative_id = a.initiative_id AND c.evaluator_id = a.evaluator_id "
            "WHERE a.round_id = :r GROUP BY a.evaluator_id"
        ), params).all()
        if members:
            bind.execute(update_panel, [
                {'b_round': round_id, 'b_key': user_id,
                 **{f'b_{name}': int(value) for name, value in zip(PANEL_COUNTS, counts, strict=True)}}
                for user_id, *counts in members
            ])
