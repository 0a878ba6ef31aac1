"""1570snapshottypes on a populated database: a published ranking frozen while unit kind, field
and grade were free strings reads back as the same enum members after the upgrade, and the
new CHECK constraints refuse a value outside them, on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from danvankheo import MIGRATIONS_DIR, create_app
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Field, Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Grade
from danvankheo.scoring.snapshots import RankingSnapshotRow
from danvankheo.units.models import UnitKind
from tests import factories

pytestmark = pytest.mark.real_commits

BEFORE = "1560kinds"
# Totals out of 100 that give each grade under the default thresholds (90, 75, 60).
TOTALS = {"Một cửa thân thiện": 95, "Dân hỏi, tư pháp trả lời": 80, "Chợ văn minh": 40}


def _publish() -> None:
    province = factories.ensure_organiser()
    commune = factories.make_unit("Xã Hòa An", parent=province, code="XHA", kind=UnitKind.COMMUNE)
    council = factories.make_unit("Ban Dân vận", code="BDV", kind=UnitKind.OTHER)
    evaluator = factories.make_user(Role.EVALUATOR, unit=council)
    models = {name: factories.make_initiative(commune, name=name, status=Status.ACCEPTED, field=Field.ECONOMY)
              for name in TOTALS}
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt 2026", year=2026, min_scorecards=1))
    assignments.set_panel(round_, [evaluator])
    assignments.auto_assign(round_, 1)
    rounds.start_scoring(round_)
    for name, total in TOTALS.items():
        remaining, values = Decimal(total), {}
        for criterion in round_.criteria:
            values[criterion.id] = str(min(criterion.max_score, remaining))
            remaining -= min(criterion.max_score, remaining)
        scorecards.save_scorecard(round_, models[name], evaluator, values, submit=True)
    rounds.close_scoring(round_)
    rounds.finalise(round_)
    db.session.commit()


def _published() -> list[tuple]:
    return db.session.execute(
        select(RankingSnapshotRow.name, RankingSnapshotRow.unit_kind, RankingSnapshotRow.field,
               RankingSnapshotRow.grade).order_by(RankingSnapshotRow.position)
    ).all()


def test_published_rows_keep_their_values_as_enum_members(scratch_url):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        _publish()
        kept = _published()
        assert [(kind, field, grade) for _n, kind, field, grade in kept] == [
            (UnitKind.COMMUNE, Field.ECONOMY, Grade.EXCELLENT),
            (UnitKind.COMMUNE, Field.ECONOMY, Grade.GOOD),
            (UnitKind.COMMUNE, Field.ECONOMY, Grade.FAIL),
        ]
        db.session.remove()

        downgrade(directory=str(MIGRATIONS_DIR), revision=BEFORE)
        with db.engine.connect() as connection:
            old = connection.execute(
                text("SELECT unit_kind, field, grade FROM ranking_snapshot_rows ORDER BY position")
            ).all()
        assert [tuple(row) for row in old] == [
            ("commune", "economy", "excellent"), ("commune", "economy", "good"), ("commune", "economy", "fail"),
        ]

        upgrade(directory=str(MIGRATIONS_DIR))
        assert _published() == kept
        db.session.remove()
        for column, value in (("unit_kind", "xa"), ("field", "kinh_te"), ("grade", "xuat_sac")):
            with db.engine.connect() as connection, pytest.raises(IntegrityError):
                connection.execute(text(f"UPDATE ranking_snapshot_rows SET {column} = :value"), {"value": value})
        db.engine.dispose()


def test_the_upgrade_stops_on_a_value_outside_the_enums(scratch_url, capfd):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        _publish()
        db.session.remove()
        downgrade(directory=str(MIGRATIONS_DIR), revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE ranking_snapshot_rows SET grade = 'Xuất sắc' WHERE position = 1"))
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            upgrade(directory=str(MIGRATIONS_DIR))
        assert "ranking_snapshot_rows.grade holds values outside the enum: ['Xuất sắc']" in capfd.readouterr().err
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == BEFORE
            assert connection.execute(
                text("SELECT grade FROM ranking_snapshot_rows WHERE position = 1")
            ).scalar() == "Xuất sắc"
        db.session.remove()
        db.engine.dispose()
