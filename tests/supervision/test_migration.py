"""Migration 1540mttq: the widened CHECK constraints of role_grants take a supervisor granted
within an organiser and refuse one granted globally; going down drops the supervisors' grants."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import exc, text

from danvankheo import MIGRATIONS_DIR, create_app
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests import factories


def _grant(user_id: int, role: str, organiser_id):
    db.session.execute(text("INSERT INTO role_grants (user_id, role, organiser_id) VALUES (:u, :r, :o)"),
                       {"u": user_id, "r": role, "o": organiser_id})


def test_the_supervisor_role_is_scoped_in_the_database(scratch_url):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision="1540mttq")
        # At head the models match the schema: the factories build a user and its organiser.
        user = factories.make_user(Role.SUPERVISOR, login="mttq")
        db.session.commit()
        assert [link.role for link in user.role_links] == [Role.SUPERVISOR]
        user_id = user.id
        with pytest.raises(exc.IntegrityError):  # a supervisor always supervises one organiser
            _grant(user_id, "supervisor", None)
        db.session.rollback()
        downgrade(directory=str(MIGRATIONS_DIR), revision="1530certificates")
        assert db.session.scalar(text("SELECT count(*) FROM role_grants WHERE role = 'supervisor'")) == 0
        db.session.remove()
        downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        db.session.remove()
        db.engine.dispose()
