"""The standing the scoring services keep on round entries and panel members always equals a
recomputation from the raw assignments, scorecards and scores: after every kind of change,
step by step, and after random sequences of changes (Hypothesis)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, phases, rounds, scorecards, standings
from danvankheo.scoring.errors import ScoringError
from danvankheo.scoring.models import AggregationMethod, Assignment, AssignmentStatus, RoundEntry
from danvankheo.scoring.ranking import compute_ranking
from tests.factories import make_initiative, make_unit, make_user


def _world(n_models: int = 3, n_evaluators: int = 5):
    province = make_unit("UBND tỉnh", code="NB")
    models = [make_initiative(make_unit(parent=province), name=f"Mô hình {i}", status=Status.ACCEPTED)
              for i in range(n_models)]
    council = make_unit("Ban Dân vận", code="BDV")
    evaluators = [make_user(Role.EVALUATOR, unit=council) for _ in range(n_evaluators)]
    db.session.flush()
    return models, evaluators


def _new_round(models, evaluators, **settings_):
    round_ = rounds.create_round(
        rounds.RoundSettings(name="Đợt", year=2026, **{"min_scorecards": 2, **settings_}),
        include_eligible=False,
    )
    rounds.add_entries(round_, [m.id for m in models])
    assignments.set_panel(round_, evaluators)
    return round_


def _values(round_, seed: int, *, partial: bool = False) -> dict[int, str]:
    rng = random.Random(seed)
    values = {c.id: str(Decimal(rng.randint(0, int(c.max_score * 2))) / 2) for c in round_.criteria}
    if partial:
        values[round_.criteria[-1].id] = ""
    return values


def _in_step(round_) -> None:
    db.session.flush()
    assert standings.mismatches(round_) == []


def _assignment(round_, model, evaluator) -> Assignment:
    return db.session.scalars(select(Assignment).where(
        Assignment.round_id == round_.id, Assignment.initiative_id == model.id,
        Assignment.evaluator_id == evaluator.id)).one()


def _entry(round_, model) -> standings.EntryStanding:
    return standings.stored_entries(round_)[model.id]


def test_every_kind_of_change_keeps_the_standing_in_step(app):
    models, evaluators = _world(n_models=3, n_evaluators=5)
    e = evaluators
    round_ = _new_round(models, evaluators)
    _in_step(round_)
    assert _entry(round_, models[0]) == standings.EntryStanding()

    assignments.auto_assign(round_, 5)  # everyone scores everything
    _in_step(round_)
    assert _entry(round_, models[0]).assigned_count == 5
    assert standings.stored_panel(round_)[e[0].id].assigned_count == 3

    rounds.remove_entries(round_, [models[2].id])  # while the round is a draft
    _in_step(round_)
    assert standings.stored_panel(round_)[e[0].id].assigned_count == 2
    a, b = models[:2]

    rounds.start_scoring(round_)
    scorecards.save_scorecard(round_, a, e[0], _values(round_, 1, partial=True))  # a partial draft
    _in_step(round_)
    assert standings.stored_panel(round_)[e[0].id].draft_count == 1
    assert _entry(round_, a).submitted_count == 0 and _entry(round_, a).score_mean is None

    scorecards.save_scorecard(round_, a, e[0], _values(round_, 2), submit=True)  # submitted
    _in_step(round_)
    card_total = sum(Decimal(v) for v in _values(round_, 2).values())
    entry = _entry(round_, a)
    assert entry.submitted_count == 1 and entry.score_mean == card_total and entry.spread == 0

    phases.open_discussion(round_)
    scorecards.save_scorecard(round_, a, e[0], _values(round_, 3), comment="Sửa điểm")  # revised in discussion
    _in_step(round_)
    assert _entry(round_, a).discussion_revised_count == 1
    for n, evaluator in enumerate(e[1:], start=4):
        scorecards.save_scorecard(round_, a, evaluator, _values(round_, n), submit=True)
        _in_step(round_)
    assert _entry(round_, a).submitted_count == 5

    scorecards.save_scorecard(round_, b, e[1], _values(round_, 10, partial=True))  # a draft...
    assignments.recuse(_assignment(round_, b, e[1]), "Tôi từng tư vấn cho mô hình này", by=e[1])  # ...then recusal
    _in_step(round_)
    assert (_entry(round_, b).assigned_count, _entry(round_, b).recused_count) == (4, 1)
    scorecards.save_scorecard(round_, b, e[2], _values(round_, 11), submit=True)
    assignments.recuse(_assignment(round_, b, e[3]), "Người thân ở đơn vị", by=e[3])  # recusal without a card
    _in_step(round_)

    assignments.unassign(_assignment(round_, a, e[4]))  # removes a submitted scorecard
    _in_step(round_)
    assert _entry(round_, a).submitted_count == 4

    # A member who only has a draft leaves the panel: the draft and the assignment go.
    visitor = make_user(Role.EVALUATOR, unit=e[0].unit)
    assignments.set_panel(round_, [*e, visitor])
    assignments.assign(round_, b, visitor, notify_evaluator=False)
    scorecards.save_scorecard(round_, b, visitor, _values(round_, 12, partial=True))
    _in_step(round_)
    assert standings.stored_panel(round_)[visitor.id].draft_count == 1
    assignments.set_panel(round_, e)
    _in_step(round_)
    assert _entry(round_, b).assigned_count == 3

    replacement = make_user(Role.EVALUATOR, unit=e[0].unit)
    assignments.set_panel(round_, [*e, replacement])
    assignments.assign(round_, b, replacement, notify_evaluator=False)  # replaces a recusal
    scorecards.save_scorecard(round_, b, replacement, _values(round_, 13), submit=True)
    _in_step(round_)
    assert (_entry(round_, b).assigned_count, _entry(round_, b).submitted_count) == (4, 2)

    # The method may change until finalisation: the ranking follows without a recomputation.
    mean = compute_ranking(round_)[0].total
    rounds.update_round(round_, rounds.RoundSettings(name="Đợt", year=2026, min_scorecards=2,
                                                     aggregation=AggregationMethod.MEDIAN))
    rows = {r.initiative_id: r for r in compute_ranking(round_)}
    assert rows[a.id].total == _entry(round_, a).score_median and rows[a.id].total != mean

    rounds.close_scoring(round_)
    rounds.reopen_scoring(round_, reason="Cho phép nộp muộn")
    scorecards.save_scorecard(round_, b, e[4], _values(round_, 14), submit=True)
    rounds.close_scoring(round_)
    _in_step(round_)
    rounds.finalise(round_)
    _in_step(round_)


def test_ranking_reads_the_standing_and_agrees_with_the_raw_rows(app):
    models, evaluators = _world(n_models=4, n_evaluators=5)
    round_ = _new_round(models, evaluators, min_scorecards=3, aggregation=AggregationMethod.TRIMMED_MEAN)
    assignments.auto_assign(round_, 5)
    rounds.start_scoring(round_)
    for m, model in enumerate(models):
        for n, evaluator in enumerate(evaluators[: 2 + m]):  # 2, 3, 4, 5 cards
            scorecards.save_scorecard(round_, model, evaluator, _values(round_, 10 * m + n), submit=True)
    fresh = standings.recompute_entries(round_)
    for row in compute_ranking(round_):
        want = fresh[row.initiative_id]
        assert row.total == want.score_trimmed_mean and row.spread == want.spread
        assert row.submitted_count == want.submitted_count and row.assigned_count == 5
        assert {k: str(v) for k, v in row.criterion_means.items()} == want.criterion_means
    assert [r.rank for r in compute_ranking(round_)] == [1, 2, 3, None]


def test_rebuild_corrects_figures_changed_behind_the_services_back(app):
    models, evaluators = _world(n_models=2, n_evaluators=3)
    round_ = _new_round(models, evaluators)
    assignments.auto_assign(round_, 3)
    rounds.start_scoring(round_)
    scorecards.save_scorecard(round_, models[0], evaluators[0], _values(round_, 1), submit=True)
    db.session.execute(RoundEntry.__table__.update().where(RoundEntry.initiative_id == models[0].id)
                       .values(submitted_count=7, score_mean=0))
    assert any("submitted_count 7 != 1" in p for p in standings.mismatches(round_))
    assert standings.rebuild(round_) == 1
    assert standings.mismatches(round_) == []
    assert standings.rebuild(round_) == 0


def test_check_standings_command_reports_and_repairs(app):
    models, evaluators = _world(n_models=2, n_evaluators=3)
    round_ = _new_round(models, evaluators)
    assignments.auto_assign(round_, 3)
    rounds.start_scoring(round_)
    scorecards.save_scorecard(round_, models[0], evaluators[0], _values(round_, 1), submit=True)
    db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["scoring", "check-standings"])
    assert ok.exit_code == 0 and "khớp" in ok.output
    db.session.execute(RoundEntry.__table__.update().where(RoundEntry.initiative_id == models[1].id)
                       .values(assigned_count=0))
    db.session.commit()
    found = runner.invoke(args=["scoring", "check-standings", "--round", str(round_.id)])
    assert found.exit_code != 0 and "assigned_count 0 != 3" in found.output
    fixed = runner.invoke(args=["scoring", "check-standings", "--fix"])
    assert fixed.exit_code == 0 and "Đã tính lại và ghi 1 dòng" in fixed.output
    assert standings.mismatches(round_) == []


# --- Random sequences of changes -----------------------------------------------------------------

N_MODELS, N_EVALUATORS = 3, 4
pick_model = st.integers(0, N_MODELS - 1)
pick_evaluator = st.integers(0, N_EVALUATORS - 1)
saves = st.tuples(st.just("save"), pick_model, pick_evaluator, st.integers(0, 10**6), st.booleans(), st.booleans())
operations = st.one_of(
    saves, saves, saves, saves,  # the most common change, four times as likely as each other one
    st.tuples(st.just("assign"), pick_model, pick_evaluator),
    st.tuples(st.just("unassign"), pick_model, pick_evaluator),
    st.tuples(st.just("recuse"), pick_model, pick_evaluator),
    st.tuples(st.just("auto"), st.integers(1, N_EVALUATORS)),
    st.tuples(st.just("panel"), st.sets(pick_evaluator)),
    st.tuples(st.just("remove"), pick_model),
    st.tuples(st.just("add"), pick_model),
    st.tuples(st.just("start")),
    st.tuples(st.just("close")),
    st.tuples(st.just("reopen")),
    st.tuples(st.just("method"), st.sampled_from(list(AggregationMethod))),
)


def _apply(round_, models, evaluators, op) -> None:
    kind, *args = op
    if kind == "save":
        m, e, seed, submit, partial = args
        scorecards.save_scorecard(round_, models[m], evaluators[e], _values(round_, seed, partial=partial and not submit),
                                  submit=submit)
    elif kind in ("unassign", "recuse"):
        m, e = args
        found = db.session.scalar(select(Assignment).where(
            Assignment.round_id == round_.id, Assignment.initiative_id == models[m].id,
            Assignment.evaluator_id == evaluators[e].id))
        if found is None:
            return
        if kind == "unassign":
            assignments.unassign(found)
        elif found.status is AssignmentStatus.ASSIGNED:
            assignments.recuse(found, "Lý do từ chối chấm", by=evaluators[e])
    elif kind == "assign":
        assignments.assign(round_, models[args[0]], evaluators[args[1]], notify_evaluator=False)
    elif kind == "auto":
        assignments.auto_assign(round_, args[0])
    elif kind == "panel":
        assignments.set_panel(round_, [evaluators[i] for i in sorted(args[0])])
    elif kind == "remove":
        rounds.remove_entries(round_, [models[args[0]].id])
    elif kind == "add":
        rounds.add_entries(round_, [models[args[0]].id])
    elif kind == "start":
        rounds.start_scoring(round_)
    elif kind == "close":
        rounds.close_scoring(round_)
    elif kind == "reopen":
        rounds.reopen_scoring(round_)
    elif kind == "method":
        rounds.update_round(round_, rounds.RoundSettings(name="Đợt", year=2026, min_scorecards=2,
                                                         aggregation=args[0]))


@pytest.fixture
def small_world(app):
    models, evaluators = _world(n_models=N_MODELS, n_evaluators=N_EVALUATORS)
    db.session.commit()
    return models, evaluators


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.booleans(), st.lists(operations, min_size=1, max_size=14))
def test_random_sequences_of_changes_keep_the_standing_in_step(small_world, scoring, ops):
    models, evaluators = small_world
    example = db.session.begin_nested()
    try:
        round_ = _new_round(models, evaluators)
        assignments.auto_assign(round_, 3)
        if scoring:  # else the sequence starts in the draft, where models may still be removed
            rounds.start_scoring(round_)
        for op in ops:
            step = db.session.begin_nested()
            try:
                _apply(round_, models, evaluators, op)
            except ScoringError:
                step.rollback()  # a refused change leaves nothing behind
            else:
                step.commit()
            assert standings.mismatches(round_) == [], op
    finally:
        example.rollback()
