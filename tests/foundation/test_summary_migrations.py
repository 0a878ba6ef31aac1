"""1500spreads and 1510tallies on a populated database: the spreads per criterion of models
already scored and the counts of models are filled in by the migrations, equal to what the
services keep, on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from danvankheo import MIGRATIONS_DIR, create_app
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry import tallies
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, rounds, scorecards, standings
from danvankheo.scoring.models import Round, RoundEntry
from danvankheo.units.models import UnitKind
from tests import factories

pytestmark = pytest.mark.real_commits

# Totals of three evaluators for three models; the third model is scored once (no spread).
TOTALS = {"Một cửa thân thiện": (92, 94, 96), "Dân hỏi, tư pháp trả lời": (60, 70, 85), "Chợ văn minh": (80,)}


def _populate() -> int:
    province = factories.ensure_organiser()
    justice = factories.make_unit("Sở Tư pháp", parent=province, code="STP")
    council = factories.make_unit("Ban Dân vận", code="BDV", kind=UnitKind.OTHER)
    evaluators = [factories.make_user(Role.EVALUATOR, unit=council) for _ in range(3)]
    models = {name: factories.make_initiative(justice, name=name, status=Status.ACCEPTED) for name in TOTALS}
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt 2026", year=2026, min_scorecards=1))
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, 3)
    rounds.start_scoring(round_)
    for name, marks in TOTALS.items():
        for evaluator, total in zip(evaluators, marks, strict=False):
            remaining, values = Decimal(total), {}
            for criterion in round_.criteria:
                values[criterion.id] = str(min(criterion.max_score, remaining))
                remaining -= min(criterion.max_score, remaining)
            scorecards.save_scorecard(round_, models[name], evaluator, values, submit=True)
    db.session.commit()
    return round_.id


def _spreads() -> dict[int, dict[str, str]]:
    return dict(db.session.execute(select(RoundEntry.initiative_id, RoundEntry.criterion_spreads)).all())


def test_the_migrations_fill_the_spreads_and_counts_the_services_keep(scratch_url):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        round_id = _populate()
        kept = _spreads()
        assert sum(1 for spreads in kept.values() if spreads) == 2  # the model scored once has none
        assert any(Decimal(v) > 0 for spreads in kept.values() for v in spreads.values())
        db.session.remove()

        downgrade(directory=str(MIGRATIONS_DIR), revision="1400organisers")
        upgrade(directory=str(MIGRATIONS_DIR))
        assert _spreads() == kept
        assert standings.mismatches(db.session.get(Round, round_id)) == []
        assert tallies.stored() and tallies.mismatches() == []
        db.session.remove()
        db.engine.dispose()
