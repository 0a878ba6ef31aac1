"""1560kinds on a populated database: a year's kinds of unit move from the comma-separated
string to their own rows and back, in the order chosen; notifications keep their kind, and a
kind the application no longer sends becomes "other" instead of failing the new CHECK."""

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from danvankheo import MIGRATIONS_DIR, create_app
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification, NotificationKind
from danvankheo.notifications.services import notify
from danvankheo.registry import deadlines
from danvankheo.registry.models import SubmissionDeadline
from danvankheo.units.models import UnitKind
from tests import factories

pytestmark = pytest.mark.real_commits

CHOSEN = [UnitKind.COMMUNE, UnitKind.DEPARTMENT, UnitKind.MASS_ORGANISATION]
DEADLINE = datetime(2027, 10, 15, 16, 59, tzinfo=UTC)


def _populate() -> int:
    organiser = factories.ensure_organiser()
    staff = factories.make_user(Role.STAFF, unit=organiser)
    settings = deadlines.set_year_settings(2027, deadline_at=DEADLINE, kinds=CHOSEN)
    deadlines.set_year_settings(2028, deadline_at=DEADLINE.replace(year=2028), kinds=[UnitKind.DIVISION])
    notify([staff], kind=NotificationKind.DEADLINE_EXTENDED, title="Gia hạn")
    notify([staff], kind="scoring.assigned", title="Phân công chấm")
    db.session.commit()
    return settings.id


def test_the_kinds_migrate_both_ways(scratch_url):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        deadline_id = _populate()
        db.session.remove()

        downgrade(directory=str(MIGRATIONS_DIR), revision="1550feedback")
        stored = db.session.execute(text("SELECT year, scope_kinds FROM submission_deadlines ORDER BY year"))
        assert [tuple(row) for row in stored] == [(2027, "commune,department,mass_organisation"), (2028, "division")]
        kinds = db.session.scalars(text("SELECT kind FROM notifications ORDER BY id")).all()
        assert kinds == ["deadline_extended", "scoring.assigned"]
        # A kind sent by no code of today, as an older database might hold.
        user_id = db.session.scalar(text("SELECT id FROM users"))
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO notifications (user_id, kind, title, body, created_at) "
                "VALUES (:u, 'results_published', 'Kết quả', '', :t)"), {"u": user_id, "t": DEADLINE})
        db.engine.dispose()

        upgrade(directory=str(MIGRATIONS_DIR))
        settings = db.session.get(SubmissionDeadline, deadline_id)
        assert settings.scope_kinds == CHOSEN
        assert deadlines.scope_kinds(2028) == [UnitKind.DIVISION]
        assert db.session.scalars(select(Notification.kind).order_by(Notification.id)).all() == [
            NotificationKind.DEADLINE_EXTENDED, NotificationKind.SCORING_ASSIGNED, NotificationKind.OTHER]
        # The CHECK refuses a kind no code sends.
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO notifications (user_id, kind, title, body, created_at) "
                "VALUES (:u, 'made_up', 'x', '', :t)"), {"u": user_id, "t": DEADLINE})
        db.session.remove()
        db.engine.dispose()
