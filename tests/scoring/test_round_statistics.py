"""The figures a round keeps over all its submitted totals (adjusted scores, the panel's
agreement) equal a recomputation from the scorecards after every change that moves a total,
are left alone by changes that move none, and a round without them still shows them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, select, update

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.scoring import (
    adjustment,
    assignments,
    phases,
    ranking_page,
    round_statistics,
    rounds,
    scorecards,
    standings,
)
from danvankheo.scoring.agreement import evaluator_offsets, krippendorff_alpha, submitted_totals
from danvankheo.scoring.models import AdjustedScore, AggregationMethod, RoundStatistics
from danvankheo.scoring.ranking import compute_ranking
from tests.factories import make_initiative, make_unit, make_user

# Evaluator k's total for model m: the third evaluator is harsh, so adjusting moves scores.
TOTALS = {(m, k): 40 + 7 * m - (25 if k == 2 else 0) + 3 * k for m in range(5) for k in range(3)}


def _values(round_, total: int) -> dict[int, str]:
    """Criterion values adding up to `total` (each within its maximum)."""
    values, left = {}, Decimal(total)
    for criterion in round_.criteria:
        value = min(criterion.max_score, left)
        values[criterion.id] = str(value)
        left -= value
    return values


def _scored_round(app, *, leave=()):
    province = make_unit("UBND tỉnh", code="NB")
    models = [make_initiative(make_unit(parent=province), name=f"Mô hình {m}", status=Status.ACCEPTED)
              for m in range(5)]
    council = make_unit("Ban Dân vận", code="BDV")
    evaluators = [make_user(Role.EVALUATOR, unit=council) for _ in range(3)]
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt", year=2026, min_scorecards=2),
                                 include_eligible=False)
    rounds.add_entries(round_, [m.id for m in models])
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, 3)
    rounds.start_scoring(round_)
    for (m, k), total in TOTALS.items():
        if (m, k) in leave:
            continue
        scorecards.save_scorecard(round_, models[m], evaluators[k], _values(round_, total), submit=True)
    db.session.commit()
    return round_, models, evaluators


def _kept_row(round_) -> RoundStatistics:
    return db.session.get(RoundStatistics, round_.id, populate_existing=True)


def test_the_kept_figures_are_the_pure_computation_from_the_submitted_totals(app):
    round_, models, _evaluators = _scored_round(app)
    totals = submitted_totals(round_, cached=False)
    assert {m.id for m in models} == set(totals) and all(len(t) == 3 for t in totals.values())
    kept = round_statistics.stored(round_)
    assert kept is not None
    for method in AggregationMethod:
        expected = adjustment.adjusted_scores(totals, method.value, max_total=round_.max_total)
        assert kept.adjusted_scores(method) == expected
    # The harsh evaluator's models are lifted: the adjusted scores differ from the raw ones.
    raw = {row.initiative_id: row.raw_total for row in compute_ranking(round_)}
    assert kept.adjusted_scores(AggregationMethod.MEAN) != raw
    assert (kept.alpha, kept.paired_models) == krippendorff_alpha(totals)
    assert kept.offsets == evaluator_offsets(totals)
    assert standings.mismatches(round_) == []


def test_a_draft_leaves_the_figures_and_a_submitted_total_refreshes_them(app):
    round_, models, evaluators = _scored_round(app, leave=[(4, 2)])
    computed_at = _kept_row(round_).computed_at
    before = round_statistics.stored(round_)

    # A draft moves no submitted total: nothing is recomputed.
    scorecards.save_scorecard(round_, models[4], evaluators[2], _values(round_, TOTALS[4, 2]), submit=False)
    db.session.commit()
    assert _kept_row(round_).computed_at == computed_at
    assert round_statistics.stored(round_) == before

    # Submitting it does, in the same transaction.
    scorecards.save_scorecard(round_, models[4], evaluators[2], _values(round_, TOTALS[4, 2]), submit=True)
    db.session.commit()
    assert _kept_row(round_).computed_at > computed_at
    after = round_statistics.stored(round_)
    assert after != before and len(submitted_totals(round_, cached=False)[models[4].id]) == 3
    assert standings.mismatches(round_) == []


def test_points_moved_between_criteria_refresh_the_spreads_per_criterion(app):
    """A revision that keeps a scorecard's total but moves points between criteria changes no
    adjusted score, but changes the panel's spread per criterion: it is kept too."""
    round_, models, evaluators = _scored_round(app)
    before = round_statistics.stored(round_)
    phases.open_discussion(round_)
    values = _values(round_, TOTALS[0, 0])
    first, last = round_.criteria[0], round_.criteria[-1]
    moved = min(Decimal(values[first.id]), last.max_score - Decimal(values[last.id]), Decimal(5))
    assert moved > 0
    values[first.id] = str(Decimal(values[first.id]) - moved)
    values[last.id] = str(Decimal(values[last.id]) + moved)
    scorecards.save_scorecard(round_, models[0], evaluators[0], values, comment="Chuyển điểm giữa tiêu chí")
    db.session.commit()
    after = round_statistics.stored(round_)
    assert after.adjusted == before.adjusted and after.alpha == before.alpha
    assert after.criterion_spreads != before.criterion_spreads
    assert standings.mismatches(round_) == []
    shown = {spread.code: spread.mean_spread for spread in round_statistics.round_agreement(round_).criteria}
    assert shown == {c.code: after.criterion_spreads[c.id][0] for c in round_.criteria}


def test_a_round_without_kept_figures_computes_them_and_rebuild_stores_them(app):
    round_, _models, _evaluators = _scored_round(app)
    shown = [(r.initiative_id, r.adjusted_total, r.adjusted_rank, r.adjusted_grade) for r in compute_ranking(round_)]
    paged = ranking_page.ranking_page(round_, {})[1].items
    assert [(r.initiative_id, r.adjusted_total, r.adjusted_rank, r.adjusted_grade) for r in paged] == shown

    db.session.execute(delete(AdjustedScore).where(AdjustedScore.round_id == round_.id))
    db.session.execute(delete(RoundStatistics).where(RoundStatistics.round_id == round_.id))
    db.session.commit()
    assert not ranking_page.pages_in_sql(round_)
    assert standings.mismatches(round_) == []  # nothing kept: nothing to differ
    assert [(r.initiative_id, r.adjusted_total, r.adjusted_rank, r.adjusted_grade)
            for r in ranking_page.ranking_page(round_, {})[1].items] == shown

    assert standings.rebuild(round_) == 1
    db.session.commit()
    assert ranking_page.pages_in_sql(round_)
    assert [(r.initiative_id, r.adjusted_total, r.adjusted_rank, r.adjusted_grade)
            for r in ranking_page.ranking_page(round_, {})[1].items] == shown
    assert standings.rebuild(round_) == 0


def test_a_changed_kept_figure_is_reported_and_repaired(app):
    round_, models, _evaluators = _scored_round(app)
    db.session.execute(update(AdjustedScore).where(AdjustedScore.initiative_id == models[2].id)
                       .values(score_mean=Decimal("1.00")))
    db.session.execute(update(RoundStatistics).where(RoundStatistics.round_id == round_.id).values(paired_models=1))
    db.session.commit()
    problems = standings.mismatches(round_)
    assert any(p.startswith(f"model {models[2].id}: adjusted") for p in problems)
    assert any("paired_models 1 != 5" in p for p in problems)
    assert standings.rebuild(round_) == 1
    db.session.commit()
    assert standings.mismatches(round_) == []


def test_check_standings_fix_stores_the_figures_of_a_round_that_has_none(app):
    round_, _models, _evaluators = _scored_round(app)
    db.session.execute(delete(AdjustedScore).where(AdjustedScore.round_id == round_.id))
    db.session.execute(delete(RoundStatistics).where(RoundStatistics.round_id == round_.id))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["scoring", "check-standings", "--fix"])
    assert result.exit_code == 0, result.output
    assert "Đã tính lại và ghi 1 dòng." in result.output
    assert round_statistics.is_kept(round_)
    assert db.session.scalar(select(AdjustedScore.score_mean).where(AdjustedScore.round_id == round_.id)
                             .limit(1)) is not None
