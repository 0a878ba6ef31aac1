"""Many evaluators submit and revise at once, from separate threads with their own database
sessions (PostgreSQL only: SQLite serialises writers and has no row locks).

The run must end with exactly one scorecard per evaluator and model, one score per
criterion, each card's total equal to the sum of its scores, and the ranking equal to a
recomputation from the raw scores. The standing the services keep per model and per panel
member (`standings`) must equal a recomputation too, also when recusals and the
secretariat's assignments race with the saves."""

from __future__ import annotations

import random
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative, Status
from danvankheo.scoring import aggregation, assignments, phases, rounds, scorecards, standings
from danvankheo.scoring.errors import ScoringError
from danvankheo.scoring.models import Assignment, AssignmentStatus, Round, Score, Scorecard, ScorecardState
from danvankheo.scoring.ranking import compute_ranking
from tests.factories import make_initiative, make_unit, make_user

pytestmark = pytest.mark.postgres_only

N_EVALUATORS = 8
N_MODELS = 6


@pytest.fixture
def busy_round(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the concurrency test runs in the PostgreSQL pass")
    province = make_unit("UBND tỉnh", code="NB")
    models = [make_initiative(make_unit(parent=province), name=f"Mô hình {i}", status=Status.ACCEPTED)
              for i in range(N_MODELS)]
    council = make_unit("Ban Dân vận", code="BDV")
    evaluators = [make_user(Role.EVALUATOR, unit=council) for _ in range(N_EVALUATORS)]
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt đông người", year=2026, min_scorecards=3))
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, N_EVALUATORS)
    rounds.start_scoring(round_)
    # The discussion phase: submitted cards may be revised (each revision a version).
    phases.open_discussion(round_)
    db.session.commit()
    return round_.id, [m.id for m in models], [e.id for e in evaluators]


def _values(round_: Round, rng: random.Random) -> dict[int, str]:
    return {c.id: str(Decimal(rng.randint(0, int(c.max_score * 2))) / 2) for c in round_.criteria}


def test_concurrent_submissions_and_revisions(app, busy_round):
    round_id, model_ids, evaluator_ids = busy_round
    barrier = threading.Barrier(N_EVALUATORS * 2)
    errors: list[BaseException] = []

    def work(evaluator_id: int, seed: int, passes: int) -> None:
        rng = random.Random(seed)
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                for _ in range(passes):
                    for model_id in rng.sample(model_ids, len(model_ids)):
                        round_ = db.session.get(Round, round_id)
                        evaluator = db.session.get(User, evaluator_id)
                        model = db.session.get(Initiative, model_id)
                        submit = rng.random() < 0.7
                        for attempt in (1, 2):  # what the view does on a lost race
                            try:
                                scorecards.save_scorecard(round_, model, evaluator, _values(round_, rng),
                                                          comment=f"lượt {seed}", submit=submit)
                                db.session.commit()
                                break
                            except Exception:
                                db.session.rollback()
                                if attempt == 2:
                                    raise
                # Every card ends submitted.
                round_ = db.session.get(Round, round_id)
                evaluator = db.session.get(User, evaluator_id)
                for model_id in model_ids:
                    scorecards.save_scorecard(round_, db.session.get(Initiative, model_id), evaluator,
                                              _values(round_, rng), submit=True)
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported to the main thread
            errors.append(error)

    # Two threads per evaluator: the second is the "double click" racing the first.
    threads = [threading.Thread(target=work, args=(e, i * 2 + j, 3)) for i, e in enumerate(evaluator_ids)
               for j in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert not errors, errors

    db.session.expire_all()
    round_ = db.session.get(Round, round_id)
    n_criteria = len(round_.criteria)
    cards = db.session.scalars(select(Scorecard).where(Scorecard.round_id == round_id)).all()
    assert len(cards) == N_EVALUATORS * N_MODELS
    assert len({(c.initiative_id, c.evaluator_id) for c in cards}) == len(cards)
    assert all(c.state is ScorecardState.SUBMITTED for c in cards)
    assert db.session.scalar(select(func.count()).select_from(Score)) == len(cards) * n_criteria
    sums = dict(db.session.execute(select(Score.scorecard_id, func.sum(Score.value)).group_by(Score.scorecard_id)).all())
    for card in cards:
        assert card.total == sums[card.id], f"card {card.id}: total {card.total} != sum {sums[card.id]}"

    # The ranking equals a recomputation from the raw scores.
    per_model: dict[int, list[Decimal]] = {}
    for card in cards:
        per_model.setdefault(card.initiative_id, []).append(aggregation.to_decimal(sums[card.id]))
    for row in compute_ranking(round_):
        assert row.total == aggregation.mean(per_model[row.initiative_id])
        assert row.submitted_count == N_EVALUATORS and row.complete
    assert standings.mismatches(round_) == []


def _run_threads(targets) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not any(t.is_alive() for t in threads), "a worker hung"


def test_recusals_and_assignments_racing_with_saves_keep_the_standing(app, busy_round):
    round_id, model_ids, evaluator_ids = busy_round
    council = db.session.get(User, evaluator_ids[0]).unit
    extras = [make_user(Role.EVALUATOR, unit=council) for _ in range(2)]
    round_ = db.session.get(Round, round_id)
    assignments.set_panel(round_, [*(db.session.get(User, e) for e in evaluator_ids), *extras])
    db.session.commit()
    extra_ids = [e.id for e in extras]
    barrier = threading.Barrier(len(evaluator_ids) + len(extra_ids) + 1)
    errors: list[BaseException] = []

    def in_session(work):
        def run():
            try:
                with app.app_context():
                    barrier.wait(timeout=30)
                    work()
                    db.session.remove()
            except BaseException as error:  # reported to the main thread
                errors.append(error)
        return run

    def evaluator_work(evaluator_id: int, seed: int):
        def work():
            rng = random.Random(seed)
            for _ in range(3):
                for model_id in rng.sample(model_ids, len(model_ids)):
                    round_ = db.session.get(Round, round_id)
                    evaluator = db.session.get(User, evaluator_id)
                    model = db.session.get(Initiative, model_id)
                    try:
                        if rng.random() < 0.1:
                            assignment = db.session.scalar(select(Assignment).where(
                                Assignment.round_id == round_id, Assignment.initiative_id == model_id,
                                Assignment.evaluator_id == evaluator_id))
                            if assignment is None or assignment.status is AssignmentStatus.RECUSED:
                                continue
                            assignments.recuse(assignment, "Có người thân ở đơn vị", by=evaluator)
                        else:
                            scorecards.save_scorecard(round_, model, evaluator, _values(round_, rng),
                                                      submit=rng.random() < 0.6)
                        db.session.commit()
                    except ScoringError:  # recused, or not (or no longer) assigned
                        db.session.rollback()
        return work

    def secretariat_work():
        rng = random.Random(99)
        for _ in range(24):
            model_id, evaluator_id = rng.choice(model_ids), rng.choice(extra_ids)
            existing = db.session.scalar(select(Assignment).where(
                Assignment.round_id == round_id, Assignment.initiative_id == model_id,
                Assignment.evaluator_id == evaluator_id))
            if existing is None:
                assignments.assign(db.session.get(Round, round_id), db.session.get(Initiative, model_id),
                                   db.session.get(User, evaluator_id), notify_evaluator=False)
            else:
                assignments.unassign(existing)
            db.session.commit()

    _run_threads([in_session(evaluator_work(e, i)) for i, e in enumerate(evaluator_ids + extra_ids)]
                 + [in_session(secretariat_work)])
    assert not errors, errors
    db.session.expire_all()
    round_ = db.session.get(Round, round_id)
    assert standings.mismatches(round_) == []
    fresh = standings.recompute_entries(round_)
    assert sum(f.recused_count for f in fresh.values()) > 0
    assert sum(f.submitted_count for f in fresh.values()) > 0
    for row in compute_ranking(round_):
        assert row.total == fresh[row.initiative_id].score_mean
