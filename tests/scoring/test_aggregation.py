"""The ranking arithmetic, as pure functions (no database)."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from danvankheo.scoring import aggregation as agg

halves = st.integers(min_value=0, max_value=200).map(lambda n: D(n) / 2)
totals_lists = st.lists(halves, min_size=1, max_size=9)
methods = st.sampled_from(["mean", "median", "trimmed_mean"])


def test_mean_median_trimmed_examples():
    assert agg.mean([D(80), D(90), D(85)]) == D("85.00")
    assert agg.median([D(80), D(90), D(70), D(100)]) == D("85.00")
    assert agg.median([D(70), D(95), D(80)]) == D("80.00")
    # Fewer than 5 totals: the trimmed mean is the mean.
    assert agg.trimmed_mean([D(60), D(90), D(90), D(100)]) == D("85.00")
    # From 5 totals the highest and lowest are dropped: (80 + 85 + 90) / 3.
    assert agg.trimmed_mean([D(20), D(80), D(85), D(90), D(100)]) == D("85.00")
    assert agg.mean([D(1), D(1), D("1.5")]) == D("1.17")  # rounded half-up once, at the end


def test_final_score_dispatch_and_empty():
    assert agg.final_score([], "mean") is None
    assert agg.final_score([D(50), D(70)], "median") == D("60.00")
    with pytest.raises(ValueError):
        agg.mean([])


def test_disagreement_flag_is_strictly_above_threshold():
    assert agg.is_disagreement([D(70), D(91)], D(20))
    assert not agg.is_disagreement([D(70), D(90)], D(20))  # spread 20 is not above 20
    assert not agg.is_disagreement([D(40)], D(0))  # one evaluator cannot disagree
    assert agg.spread([D(70), D(91), D(80)]) == D(21)


@pytest.mark.parametrize(
    ("score", "grade"),
    [(D(100), "excellent"), (D(90), "excellent"), (D("89.99"), "good"), (D(75), "good"),
     (D("74.5"), "fair"), (D(60), "fair"), (D("59.99"), "fail"), (D(0), "fail"), (None, None)],
)
def test_grade_thresholds_default(score, grade):
    thresholds = {"excellent": D(90), "good": D(75), "fair": D(60)}
    assert agg.grade_for(score, thresholds) == grade


def test_tie_break_rule():
    # Same total: higher tie-breaker mean first, then unit name in Vietnamese order.
    rows = [
        ("b", D(85), D(20), "Sở Y tế"),
        ("a", D(85), D(25), "Sở Tư pháp"),
        ("c", D(85), D(20), "Sở Tài chính"),
        ("d", D(90), D(10), "UBND xã Đồng Thái"),
    ]
    from danvankheo.core.text import sort_key

    ranked = agg.assign_ranks(rows, key=lambda r: agg.ranking_key(r[1], r[2], sort_key(r[3]), r[0], 0))
    assert [(rank, r[0]) for rank, r in ranked] == [(1, "d"), (2, "a"), (3, "c"), (4, "b")]


def test_criterion_means():
    assert agg.criterion_means([("TC1", D(10)), ("TC1", D(15)), ("TC2", D(7))]) == {
        "TC1": D("12.50"), "TC2": D("7.00")
    }


@given(totals_lists, methods, st.randoms())
def test_result_does_not_depend_on_evaluator_order(totals, method, random):
    shuffled = list(totals)
    random.shuffle(shuffled)
    assert agg.final_score(totals, method) == agg.final_score(shuffled, method)
    assert agg.spread(totals) == agg.spread(shuffled)


@given(totals_lists)
def test_trimmed_mean_lies_between_min_and_max(totals):
    assert min(totals) <= agg.trimmed_mean(totals) <= max(totals)


@given(totals_lists, methods)
def test_every_method_lies_between_min_and_max(totals, method):
    assert min(totals) <= agg.final_score(totals, method) <= max(totals)


@given(halves, methods)
def test_single_evaluator_gives_their_own_total(total, method):
    assert agg.final_score([total], method) == total


@given(st.lists(halves, min_size=5, max_size=9))
def test_trimmed_mean_ignores_one_extreme_outlier(totals):
    # Replacing the highest total by anything higher does not change the trimmed mean.
    ordered = sorted(totals)
    raised = ordered[:-1] + [ordered[-1] + D(1000)]
    assert agg.trimmed_mean(ordered) == agg.trimmed_mean(raised)
