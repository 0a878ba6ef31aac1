"""1400organisers on a populated database: the data of a single-organiser deployment moves to
its default organiser and back, nothing lost, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from danvankheo import MIGRATIONS_DIR, create_app
from danvankheo.core.roles import Role
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.organisers.models import OrganiserLevel
from danvankheo.organisers.services import make_organiser
from danvankheo.registry.deadlines import set_year_settings
from danvankheo.scoring import rounds
from danvankheo.units.models import UnitKind
from tests import factories

pytestmark = pytest.mark.real_commits


def _populate() -> dict:
    province = factories.ensure_organiser()
    justice = factories.make_unit("Sở Tư pháp", parent=province, code="STP")
    commune = factories.make_unit("UBND xã Gia Viễn", kind=UnitKind.COMMUNE, parent=province, code="XGV")
    factories.make_user(Role.ADMIN, login="quantri")
    factories.make_user(Role.SECRETARIAT, unit=province, login="thuky")
    factories.make_user(Role.OBSERVER, unit=province, login="theodoi")
    factories.make_user(Role.EVALUATOR, Role.STAFF, unit=justice, login="giamkhao")
    factories.make_user(Role.STAFF, unit=commune, login="canbo")
    factories.make_initiative(justice, name="Một cửa thân thiện", year=2026)
    set_year_settings(2026, deadline_at=utcnow() + timedelta(days=30), kinds=[UnitKind.DEPARTMENT])
    rounds.create_round(rounds.RoundSettings(name="Đợt 2026", year=2026))
    db.session.commit()
    return {"province": province.id, "commune": commune.id}


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_populated_upgrade_downgrade_upgrade(scratch_url):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        ids = _populate()
        grants = _rows("SELECT u.login, g.role FROM role_grants g JOIN users u ON u.id = g.user_id ORDER BY 1, 2")
        counts = {t: _rows(f"SELECT COUNT(*) FROM {t}")[0][0]
                  for t in ("units", "users", "initiatives", "rounds", "submission_deadlines", "criteria")}
        db.session.remove()

        downgrade(directory=str(MIGRATIONS_DIR), revision="1300ballot")
        tables = set(inspect(db.engine).get_table_names())
        assert "organisers" not in tables and "role_grants" not in tables and "user_roles" in tables
        assert _rows("SELECT u.login, r.role FROM user_roles r JOIN users u ON u.id = r.user_id ORDER BY 1, 2") == grants
        assert {t: _rows(f"SELECT COUNT(*) FROM {t}")[0][0] for t in counts} == counts

        upgrade(directory=str(MIGRATIONS_DIR))
        assert _rows("SELECT unit_id, is_default FROM organisers") in ([(ids["province"], True)],
                                                                        [(ids["province"], 1)])
        default_id = _rows("SELECT id FROM organisers")[0][0]
        assert _rows("SELECT COUNT(*) FROM units WHERE organiser_id IS NULL OR organiser_id <> "
                     f"{default_id}") == [(0,)]
        assert _rows("SELECT u.login, g.role FROM role_grants g JOIN users u ON u.id = g.user_id ORDER BY 1, 2") == grants
        scoped = _rows("SELECT role, organiser_id FROM role_grants ORDER BY role")
        assert all((organiser == default_id) == (role in ("secretariat", "evaluator", "observer"))
                   for role, organiser in scoped)
        assert _rows(f"SELECT COUNT(*) FROM rounds WHERE organiser_id = {default_id}") == [(1,)]
        assert _rows(f"SELECT COUNT(*) FROM submission_deadlines WHERE organiser_id = {default_id}") == [(1,)]
        assert {t: _rows(f"SELECT COUNT(*) FROM {t}")[0][0] for t in counts} == counts
        db.session.remove()
        db.engine.dispose()


def test_downgrade_with_two_organisers_is_refused(scratch_url):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        ids = _populate()
        make_organiser(db.session.get(factories.Unit, ids["commune"]), level=OrganiserLevel.COMMUNE,
                       secretariat_name="Văn phòng HĐND và UBND xã")
        db.session.commit()
        db.session.remove()
        downgrade(directory=str(MIGRATIONS_DIR), revision="1400organisers")  # the later migrations first
        # Flask-Migrate logs the migration's refusal and exits; nothing was changed.
        with pytest.raises(SystemExit):
            downgrade(directory=str(MIGRATIONS_DIR), revision="1300ballot")
        assert _rows("SELECT COUNT(*) FROM organisers") == [(2,)]
        assert _rows("SELECT version_num FROM alembic_version") == [("1400organisers",)]
        db.session.remove()
        db.engine.dispose()
