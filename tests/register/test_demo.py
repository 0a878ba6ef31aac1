from sqlalchemy import select

from danvankheo.demo import seed_demo
from danvankheo.extensions import db
from danvankheo.register.history import unit_history
from danvankheo.register.models import OutsideAward
from danvankheo.units.models import Unit


def test_the_demo_units_have_outside_awards_of_earlier_years(app):
    seed_demo()
    db.session.commit()
    awards = db.session.scalars(select(OutsideAward)).all()
    assert len(awards) == 4 and all(a.decision_date.year < 2025 for a in awards)
    # Each was entered within the organiser of its unit (the commune's by the commune).
    assert all(a.organiser_id == a.unit.organiser_id for a in awards)
    justice = db.session.scalar(select(Unit).where(Unit.code == "STP"))
    assert "3120/QĐ-BTP" in [e.decision_number for e in unit_history(justice.id) if e.outside]
    assert any(a.person and a.person.full_name == "Lê Minh Đức" for a in awards)
    seed_demo()
    assert db.session.scalar(select(OutsideAward.id).order_by(OutsideAward.id.desc())) == awards[-1].id
