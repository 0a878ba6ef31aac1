"""compute_ranking: aggregation method, incomplete models, disagreement, ties; and the pages
that read scoring data run a constant number of queries whatever the round's size."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, models, rounds, scorecards
from danvankheo.scoring.models import AggregationMethod, Assignment, Grade
from danvankheo.scoring.ranking import FLAG_DISAGREEMENT, compute_ranking, ranking_for
from tests.factories import make_initiative, make_unit, make_user


def _round(n_models=3, n_evaluators=5, min_scorecards=3, method=AggregationMethod.MEAN, threshold=20):
    province = make_unit("UBND tỉnh", code="NB")
    models = [make_initiative(make_unit(f"Sở {name}", parent=province), name=f"Mô hình {i}", status=Status.ACCEPTED)
              for i, name in enumerate(["Y tế", "Tư pháp", "Tài chính", "Xây dựng", "Công thương", "Nội vụ"][:n_models])]
    panel_unit = make_unit("Ban Dân vận Tỉnh ủy", code="BDV")
    evaluators = [make_user(Role.EVALUATOR, unit=panel_unit) for _ in range(n_evaluators)]
    round_ = rounds.create_round(rounds.RoundSettings(
        name="Đợt", year=2026, min_scorecards=min_scorecards, aggregation=method,
        disagreement_threshold=Decimal(threshold)))
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, n_evaluators)
    rounds.start_scoring(round_)
    return round_, models, evaluators


def _give(round_, model, evaluator, total):
    """Scores summing to `total` (filled criterion by criterion)."""
    remaining = Decimal(total)
    values = {}
    for c in round_.criteria:
        v = min(c.max_score, remaining)
        values[c.id] = str(v)
        remaining -= v
    scorecards.save_scorecard(round_, model, evaluator, values, submit=True)


@pytest.mark.parametrize(
    ("method", "expected"),
    [(AggregationMethod.MEAN, Decimal("74.00")), (AggregationMethod.MEDIAN, Decimal("80.00")),
     (AggregationMethod.TRIMMED_MEAN, Decimal("78.33"))],
)
def test_final_score_follows_the_round_method(app, method, expected):
    round_, models, evaluators = _round(n_models=1, method=method, threshold=100)
    for evaluator, total in zip(evaluators, [40, 80, 75, 95, 80], strict=True):
        _give(round_, models[0], evaluator, total)
    (row,) = compute_ranking(round_)
    assert row.total == expected
    assert row.rank == 1 and row.complete and row.submitted_count == 5 and row.assigned_count == 5


def test_incomplete_models_are_not_ranked(app):
    round_, models, evaluators = _round(n_models=2, n_evaluators=3, min_scorecards=3)
    for evaluator in evaluators:
        _give(round_, models[0], evaluator, 70)
    _give(round_, models[1], evaluators[0], 99)  # one scorecard only, higher total
    rows = compute_ranking(round_)
    assert [(r.name, r.rank, r.complete) for r in rows] == [("Mô hình 0", 1, True), ("Mô hình 1", None, False)]
    assert rows[1].grade is None and rows[1].total == Decimal("99.00")  # shown, flagged, not ranked
    assert rows[0].grade is Grade.FAIR


def test_disagreement_flag_and_per_criterion_means(app):
    round_, models, evaluators = _round(n_models=1, n_evaluators=3, threshold=20)
    for evaluator, total in zip(evaluators, [60, 70, 81], strict=True):
        _give(round_, models[0], evaluator, total)
    (row,) = compute_ranking(round_)
    assert row.flags == [FLAG_DISAGREEMENT] and row.spread == 21
    assert row.criterion_means["TC1"] == Decimal("20.00")
    assert row.criterion_means["TC2"] == Decimal("30.00")
    assert row.criterion_means["TC3"] == Decimal("16.67")  # (10 + 20 + 20) / 3
    assert row.criterion_means["TC5"] == Decimal("0.33")  # (0 + 0 + 1) / 3
    assert row.total == Decimal("70.33")


def test_ties_use_the_tiebreaker_then_the_unit_name(app):
    round_, models, evaluators = _round(n_models=3, n_evaluators=1, min_scorecards=1)
    criteria = {c.code: c for c in round_.criteria}
    assert round_.tiebreaker.code == "TC2"
    # Same total 80; model 2 has more on TC2 than the others.
    base = {"TC1": "20", "TC2": "20", "TC3": "20", "TC4": "10", "TC5": "10"}
    more_tc2 = {"TC1": "10", "TC2": "30", "TC3": "20", "TC4": "10", "TC5": "10"}
    for model, values in zip(models, [base, base, more_tc2], strict=True):
        scorecards.save_scorecard(round_, model, evaluators[0], {criteria[k].id: v for k, v in values.items()},
                                  submit=True)
    rows = compute_ranking(round_)
    # Sở Tài chính (model 2) wins on TC2; then Sở Tư pháp before Sở Y tế (Vietnamese order: "Tư" < "Y").
    assert [(r.rank, r.unit_name) for r in rows] == [(1, "Sở Tài chính"), (2, "Sở Tư pháp"), (3, "Sở Y tế")]


def test_ranking_for_returns_snapshot_after_finalisation(app):
    round_, models, evaluators = _round(n_models=2, n_evaluators=3)
    for model in models:
        for evaluator in evaluators:
            _give(round_, model, evaluator, 88)
    assert ranking_for(round_) == compute_ranking(round_)
    rounds.close_scoring(round_)
    rounds.finalise(round_)
    frozen = ranking_for(round_)
    assert [(r.initiative_id, r.rank, r.total, r.grade, r.criterion_means) for r in frozen] == [
        (r.initiative_id, r.rank, r.total, r.grade, r.criterion_means) for r in compute_ranking(round_)]
    assert frozen[0].required_count == 3


# --- Constant query counts --------------------------------------------------------------------


@contextmanager
def count_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _grow(round_, evaluators, n):
    """Add n accepted models to a draft copy of the data and score them all."""
    province = make_unit(f"Tỉnh {n}")
    for i in range(n):
        model = make_initiative(make_unit(parent=province), name=f"Thêm {n}-{i}", status=Status.ACCEPTED)
        db.session.add(models.RoundEntry(round_id=round_.id, initiative_id=model.id))
        db.session.flush()
        for evaluator in evaluators:
            assignments.assign(round_, model, evaluator, notify_evaluator=False)
            _give(round_, model, evaluator, 50 + i)
    db.session.commit()


def test_pages_run_a_constant_number_of_queries(client, login_as, app):
    round_, models, evaluators = _round(n_models=2, n_evaluators=3)
    for model in models:
        for evaluator in evaluators:
            _give(round_, model, evaluator, 80)
    secretariat = make_user(Role.SECRETARIAT)
    db.session.commit()
    first_model = models[0].id
    pages = {
        "ranking": f"/dot-danh-gia/{round_.id}/xep-hang",
        "progress": f"/dot-danh-gia/{round_.id}/tien-do",
        "entries": f"/dot-danh-gia/{round_.id}/mo-hinh",
    }

    def measure(user, urls):
        counts = {}
        login_as(user)
        # The test's session outlives requests: a first request loads the user's organiser into
        # its identity map, which a production request (a fresh session) always queries.
        client.get(next(iter(urls.values())))
        for name, url in urls.items():
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts[name] = len(statements)
        client.post("/dang-xuat")
        return counts

    evaluator_pages = {"queue": "/cham-diem/", "form": f"/cham-diem/{round_.id}/{first_model}"}
    small = measure(secretariat, pages) | measure(evaluators[0], evaluator_pages)
    _grow(round_, evaluators, 12)
    large = measure(secretariat, pages) | measure(evaluators[0], evaluator_pages)
    assert large == small, f"queries grew with the data: {small} -> {large}"


def test_assignments_per_evaluator_stay_in_the_queue(app):
    round_, models, evaluators = _round(n_models=3, n_evaluators=2, min_scorecards=1)
    mine = db.session.scalars(select(Assignment).where(Assignment.evaluator_id == evaluators[0].id)).all()
    assert len(mine) == 3


def test_database_order_follows_the_documented_tie_break_rule(app):
    """compute_ranking lets the database order the rows; the order must be exactly
    aggregation.ranking_key's (score, tie-breaker mean, unit and model in Vietnamese order,
    id), with the incomplete models after, by unit and model, even when most values tie."""
    import random

    from danvankheo.core.text import sort_key
    from danvankheo.scoring import aggregation, standings

    province = make_unit("UBND tỉnh", code="NB")
    units = [make_unit(name, parent=province) for name in ("Sở Y tế", "Sở Tư pháp", "Ban Ăn uống", "Sở Âm nhạc")]
    names = ["Ánh sáng", "Anh em", "Ấm áp", "An toàn", "Bản làng", "Bàn tay", "Ăn ngon", "Đoàn kết"]
    models = [make_initiative(units[i % 4], name=names[i % 8] + (" " * (i // 8)) + str(i // 8 or ""),
                              status=Status.ACCEPTED) for i in range(24)]
    council = make_unit("Ban Dân vận", code="BDV")
    evaluators = [make_user(Role.EVALUATOR, unit=council) for _ in range(2)]
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt", year=2026, min_scorecards=2))
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    rng = random.Random(4)
    criteria = {c.code: c for c in round_.criteria}
    for n, model in enumerate(models):
        for evaluator in evaluators[: 1 if n % 5 == 0 else 2]:
            tc2 = rng.choice(["20", "30"])
            values = {"TC1": "10" if tc2 == "30" else "20", "TC2": tc2, "TC3": rng.choice(["10", "20"]),
                      "TC4": "10", "TC5": "10"}
            scorecards.save_scorecard(round_, model, evaluator, {criteria[k].id: v for k, v in values.items()},
                                      submit=True)
    fresh = standings.recompute_entries(round_)
    info = {m.id: (sort_key(m.unit.name), sort_key(m.name)) for m in models}
    complete = [m.id for m in models if fresh[m.id].submitted_count >= 2]
    incomplete = [m.id for m in models if m.id not in complete]
    expected = sorted(complete, key=lambda i: aggregation.ranking_key(
        fresh[i].score_mean, Decimal(fresh[i].criterion_means["TC2"]), *info[i], i))
    expected += sorted(incomplete, key=lambda i: (*info[i], i))
    rows = compute_ranking(round_)
    assert [r.initiative_id for r in rows] == expected
    assert [r.rank for r in rows] == [*range(1, len(complete) + 1), *[None] * len(incomplete)]
    assert len({fresh[i].score_mean for i in complete}) < len(complete) / 2  # ties were exercised
