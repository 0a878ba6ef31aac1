"""Migration 1000standings fills the standing of rounds scored before it existed: data built
by the services at head, taken back to the previous revision (the columns go, the rows stay),
then upgraded again, gets exactly the figures the services had kept."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from danvankheo import MIGRATIONS_DIR, create_app
from danvankheo.extensions import db
from danvankheo.scoring import assignments, rounds, scorecards, standings
from danvankheo.scoring.models import AggregationMethod, Assignment, Round
from tests.scoring.test_standings import _new_round, _values, _world

BEFORE = "0900appendonly"


def _scored_rounds():
    """Two rounds: one scored with recusals, drafts and several methods' worth of totals."""
    models, evaluators = _world(n_models=4, n_evaluators=6)
    scored = _new_round(models, evaluators, aggregation=AggregationMethod.TRIMMED_MEAN)
    assignments.auto_assign(scored, 5)
    rounds.start_scoring(scored)
    for m, model in enumerate(models):
        assigned = db.session.scalars(select(Assignment).where(
            Assignment.round_id == scored.id, Assignment.initiative_id == model.id)).all()
        for n, assignment in enumerate(assigned):
            evaluator = next(e for e in evaluators if e.id == assignment.evaluator_id)
            if n == m:
                assignments.recuse(assignment, "Có người thân ở đơn vị", by=evaluator)
            else:
                scorecards.save_scorecard(scored, model, evaluator, _values(scored, 7 * m + n), submit=n != 4)
    draft = rounds.create_round(rounds.RoundSettings(name="Đợt sau", year=2026), include_eligible=False)
    rounds.add_entries(draft, [models[0].id])
    db.session.commit()
    return scored.id, draft.id


def test_upgrade_fills_the_standing_of_rounds_scored_before(scratch_url):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        round_ids = _scored_rounds()

        def figures():
            loaded = [db.session.get(Round, i) for i in round_ids]
            return [(standings.stored_entries(r), standings.stored_panel(r)) for r in loaded]

        kept = figures()
        assert any(e.submitted_count for e in kept[0][0].values())
        db.session.remove()

        downgrade(directory=str(MIGRATIONS_DIR), revision=BEFORE)
        upgrade(directory=str(MIGRATIONS_DIR))
        assert figures() == kept
        for round_id in round_ids:
            assert standings.mismatches(db.session.get(Round, round_id)) == []
        db.session.remove()
        db.engine.dispose()
