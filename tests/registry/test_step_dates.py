"""Each model's registration and last acceptance dates (`registry.step_dates`), kept on the model
from its workflow steps however a step is made, checked and repaired by `flask check-summaries`,
and filled in by migration 1620stepdates on a populated database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, update

from danvankheo import MIGRATIONS_DIR, create_app
from danvankheo.extensions import db
from danvankheo.registry import step_dates
from danvankheo.registry.models import Initiative, Status, Transition
from danvankheo.registry.services import DossierData, create_initiative
from danvankheo.registry.workflow import transition
from tests import factories

from .conftest import add_evidence


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 3, tzinfo=UTC)


def _dossier(name: str) -> DossierData:
    values = dict(factories.COMPLETE_DOSSIER)
    values["year"] = 2026
    return DossierData(name=name, values=values, tags=[], members=[])


def _fresh(model: Initiative) -> Initiative:
    db.session.expire_all()
    return db.session.get(Initiative, model.id)


def test_registration_and_acceptance_follow_the_steps(world):
    model = create_initiative(world.justice, _dossier("Tư pháp gần dân"), actor=world.staff)
    add_evidence(model)
    db.session.commit()
    model = _fresh(model)
    registration = model.transitions[0]
    assert model.registered_at == registration.occurred_at and model.accepted_at is None

    transition(model, Status.SUBMITTED, world.staff, now=at(3, 1))
    transition(model, Status.RETURNED, world.secretariat, reason="Bổ sung số liệu", now=at(3, 5))
    transition(model, Status.SUBMITTED, world.staff, now=at(3, 9))
    transition(model, Status.ACCEPTED, world.secretariat, now=at(3, 20))
    db.session.commit()
    model = _fresh(model)
    assert model.registered_at == registration.occurred_at
    assert model.accepted_at == at(3, 20)
    assert step_dates.mismatches() == []


def test_a_model_without_history_counts_from_its_record_until_a_step_says_otherwise(world):
    model = factories.make_initiative(world.justice, name="Nhập từ sổ giấy")
    model.created_at = at(2, 1)  # entered from the paper register
    db.session.commit()
    assert _fresh(model).registered_at == at(2, 1)

    # A step written directly (an import of the history), not through the workflow.
    model = _fresh(model)
    model.transitions.append(Transition(from_status=None, to_status=Status.DRAFT, occurred_at=at(1, 10)))
    db.session.add(Transition(initiative_id=model.id, from_status=Status.SUBMITTED, to_status=Status.ACCEPTED,
                              occurred_at=at(4, 2)))
    db.session.commit()
    model = _fresh(model)
    assert (model.registered_at, model.accepted_at) == (at(1, 10), at(4, 2))
    assert step_dates.mismatches() == []


def test_check_summaries_names_a_wrong_date_and_repairs_it(app, world):
    model = create_initiative(world.justice, _dossier("Một cửa thân thiện"), actor=world.staff)
    db.session.commit()
    right = _fresh(model).registered_at
    db.session.execute(update(Initiative).where(Initiative.id == model.id)
                       .values(registered_at=at(12, 31), accepted_at=at(12, 31)))
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["check-summaries"])
    assert result.exit_code != 0
    assert "Ngày đăng ký, ngày tiếp nhận của từng mô hình: 1 sai lệch" in result.output
    assert f"mô hình {model.id}: registered_at lưu 2026-12-31" in result.output
    assert "accepted_at lưu 2026-12-31 03:00:00+00:00, tính lại None" in result.output

    result = runner.invoke(args=["check-summaries", "--fix"])
    assert result.exit_code == 0, result.output
    model = _fresh(model)
    assert (model.registered_at, model.accepted_at) == (right, None)
    result = runner.invoke(args=["check-summaries"])
    assert result.exit_code == 0 and "Ngày đăng ký, ngày tiếp nhận của từng mô hình: khớp" in result.output


@pytest.mark.real_commits
def test_the_migration_fills_in_the_dates_the_steps_give(scratch_url):
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        province = factories.ensure_organiser()
        unit = factories.make_unit("Sở Tư pháp", parent=province, code="STP")
        imported = factories.make_initiative(unit, name="Nhập từ sổ giấy")
        imported.created_at = at(2, 1)
        stepped = factories.make_initiative(unit, name="Có lịch sử")
        stepped.transitions.extend([
            Transition(from_status=None, to_status=Status.DRAFT, occurred_at=at(1, 5)),
            Transition(from_status=Status.DRAFT, to_status=Status.SUBMITTED, occurred_at=at(2, 5)),
            Transition(from_status=Status.SUBMITTED, to_status=Status.ACCEPTED, occurred_at=at(3, 5)),
        ])
        db.session.commit()
        kept = db.session.execute(select(Initiative.id, Initiative.registered_at, Initiative.accepted_at)
                                  .order_by(Initiative.id)).all()
        assert [tuple(row[1:]) for row in kept] == [(at(2, 1), None), (at(1, 5), at(3, 5))]
        db.session.remove()

        downgrade(directory=str(MIGRATIONS_DIR), revision="1610registryexport")
        upgrade(directory=str(MIGRATIONS_DIR))
        again = db.session.execute(select(Initiative.id, Initiative.registered_at, Initiative.accepted_at)
                                   .order_by(Initiative.id)).all()
        assert again == kept
        assert step_dates.mismatches() == []
        db.session.remove()
        db.engine.dispose()
