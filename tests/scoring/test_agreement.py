"""The panel's agreement: Krippendorff's alpha from the package, spread per criterion, offset
per evaluator, and the block on the ranking page."""

from __future__ import annotations

import math
from decimal import Decimal

import krippendorff
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from danvankheo.core.roles import Role
from danvankheo.scoring import agreement
from danvankheo.scoring.agreement import evaluator_offsets, krippendorff_alpha
from danvankheo.scoring.round_statistics import round_agreement
from tests.scoring.test_progress_ranking_and_conflicts import ranked  # noqa: F401 (a fixture)

NAN = math.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with missing
# values: 4 observers, 12 units. Its interval alpha is published as 0.849.
EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def _by_model(matrix) -> dict[int, dict[int, Decimal]]:
    totals: dict[int, dict[int, Decimal]] = {}
    for evaluator, row in enumerate(matrix):
        for model, value in enumerate(row):
            if not math.isnan(value):
                totals.setdefault(model, {})[evaluator] = Decimal(str(value))
    return totals


def test_alpha_is_the_packages_on_the_published_example():
    alpha, paired = krippendorff_alpha(_by_model(EXAMPLE))
    expected = krippendorff.alpha(reliability_data=EXAMPLE, level_of_measurement="interval")
    assert alpha == pytest.approx(expected)
    assert round(alpha, 3) == 0.849  # the published figure
    assert paired == 11  # the unit with a single value carries no information


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 200).map(lambda v: v / 2)), min_size=2, max_size=5),
                min_size=2, max_size=30))
def test_alpha_in_closed_form_is_the_packages_on_random_rounds(rows):
    """Models × evaluators with missing scorecards (None), totals in half points."""
    matrix = [[NAN if value is None else value for value in row] + [NAN] * (5 - len(row)) for row in rows]
    evaluators = list(map(list, zip(*matrix, strict=True)))
    alpha, paired = krippendorff_alpha(_by_model(evaluators))
    pairable = [[v for v in row if not math.isnan(v)] for row in matrix]
    pairable = [values for values in pairable if len(values) >= 2]
    assert paired == len(pairable)
    if alpha is None:
        assert paired < 2 or len({v for values in pairable for v in values}) < 2
        return
    expected = krippendorff.alpha(reliability_data=evaluators, level_of_measurement="interval")
    assert alpha == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_alpha_needs_two_models_scored_twice_and_some_variation():
    assert krippendorff_alpha({1: {1: Decimal(80), 2: Decimal(70)}}) == (None, 1)
    assert krippendorff_alpha({1: {1: Decimal(80), 2: Decimal(80)}, 2: {1: Decimal(80), 3: Decimal(80)}}) == (None, 2)
    assert "Chưa tính được" in agreement.reading(None, 1)


@pytest.mark.parametrize(("alpha", "words"), [
    (0.9, "thống nhất cao"), (0.7, "tương đối thống nhất"), (0.3, "chưa thống nhất"), (-0.2, "trái ngược"),
])
def test_reading_in_plain_vietnamese(alpha, words):
    assert words in agreement.reading(alpha, 10)


def test_offsets_by_hand():
    totals = {
        1: {10: Decimal(92), 11: Decimal(94), 12: Decimal(96)},
        2: {10: Decimal(60), 11: Decimal(70), 12: Decimal(85)},
        3: {10: Decimal(80), 11: Decimal(80), 12: Decimal(80)},
        4: {10: Decimal(99), 11: Decimal(99)},
        5: {12: Decimal(50)},  # scored alone: not counted
    }
    offsets = evaluator_offsets(totals)
    # Evaluator 10: 92 − 95 = −3; 60 − 77.5 = −17.5; 80 − 80 = 0; 99 − 99 = 0 → −20.5 / 4.
    assert offsets[10] == (Decimal("-5.13"), 4)
    # Evaluator 12: 96 − 93 = 3; 85 − 65 = 20; 0 → 23 / 3.
    assert offsets[12] == (Decimal("7.67"), 3)


def test_round_figures_and_ranking_page(client, login_as, ranked):  # noqa: F811
    round_, _models, _units = ranked
    figures = round_agreement(round_)
    expected = krippendorff.alpha(
        reliability_data=[[92, 60, 80, 99], [94, 70, 80, 99], [96, 85, 80, NAN]], level_of_measurement="interval")
    assert figures.alpha == pytest.approx(expected)
    assert figures.paired_models == 4 and figures.evaluators == 3
    # The middle evaluator: 94 − 94 = 0; 70 − 72.5 = −2.5; 0; 0 → −0.625, rounded half up.
    assert sorted(o.mean_offset for o in figures.offsets) == [Decimal("-5.13"), Decimal("-0.63"), Decimal("7.67")]
    # Spread of the first criterion: its scores are min(max, total) per card.
    first = figures.criteria[0]
    assert first.models == 4 and first.mean_spread is not None

    login_as(Role.OBSERVER)
    page = client.get(f"/dot-danh-gia/{round_.id}/xep-hang").get_data(as_text=True)
    assert "Độ thống nhất của hội đồng chấm" in page
    alpha_text = f"{expected:.3f}".replace(".", ",")
    assert f'data-testid="agreement-alpha">{alpha_text}<' in page
    assert agreement.reading(expected, 4) in page
    assert "+7,67" in page and "-5,13" in page


def test_spread_per_criterion_in_the_database_equals_the_pure_function(ranked):  # noqa: F811
    round_, _models, _units = ranked
    from sqlalchemy import select

    from danvankheo.extensions import db
    from danvankheo.scoring.models import Score, Scorecard, ScorecardState

    rows = db.session.execute(
        select(Score.criterion_id, Scorecard.initiative_id, Score.value)
        .join(Scorecard, Score.scorecard_id == Scorecard.id)
        .where(Scorecard.round_id == round_.id, Scorecard.state == ScorecardState.SUBMITTED)
    ).all()
    assert agreement.criterion_spreads_of(round_) == agreement.criterion_spreads(rows)
    # By hand, first criterion (max 20): A 20,20,20; B 20,20,20; C 20,20,20; D 20,20 → no spread.
    first = round_.criteria[0]
    assert agreement.criterion_spreads_of(round_)[first.id] == (Decimal("0.00"), 4)
    # Last criterion (what is left of each total): A 12,14,16 → 4; B 0,0,5 → 5; C 0; D 19,19 → 0.
    last = round_.criteria[-1]
    assert agreement.criterion_spreads_of(round_)[last.id] == (Decimal("2.25"), 4)
