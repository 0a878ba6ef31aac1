"""The counts of models per unit, year, status, field and lateness stay equal to a recount of
the models through every change a user makes, and the consistency check finds and repairs a
difference."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from danvankheo.extensions import db
from danvankheo.registry import tallies, workflow
from danvankheo.registry.models import Field, InitiativeTally, Status
from tests import factories


def _count(unit, status: Status, *, year: int = 2026, late: bool = False) -> int:
    return db.session.scalar(
        select(InitiativeTally.count).where(InitiativeTally.unit_id == unit.id, InitiativeTally.year == year,
                                            InitiativeTally.status == status, InitiativeTally.is_late.is_(late))
    ) or 0


def test_every_change_of_a_model_moves_its_count(world, ready):
    assert tallies.mismatches() == []
    assert _count(world.justice, Status.DRAFT) == 1
    workflow.transition(ready, Status.SUBMITTED, world.staff)
    db.session.commit()
    assert (_count(world.justice, Status.DRAFT), _count(world.justice, Status.SUBMITTED)) == (0, 1)
    workflow.transition(ready, Status.RETURNED, world.secretariat, reason="Cần bổ sung số liệu kiểm chứng.")
    db.session.commit()
    assert _count(world.justice, Status.RETURNED) == 1
    workflow.transition(ready, Status.SUBMITTED, world.staff)
    workflow.transition(ready, Status.ACCEPTED, world.secretariat)
    db.session.commit()
    assert _count(world.justice, Status.ACCEPTED) == 1 and _count(world.justice, Status.SUBMITTED) == 0
    # Moved to another unit, year and field, and marked late in one flush.
    ready.unit_id, ready.year, ready.field, ready.is_late = world.health.id, 2027, Field.ECONOMY, True
    db.session.commit()
    assert _count(world.justice, Status.ACCEPTED) == 0
    assert _count(world.health, Status.ACCEPTED, year=2027, late=True) == 1
    assert tallies.mismatches() == []
    # No row is left at zero.
    assert db.session.scalar(select(InitiativeTally.id).where(InitiativeTally.count == 0)) is None


def test_new_and_deleted_models_and_a_rolled_back_change(world):
    drafts = [factories.make_initiative(world.health, name=f"Mô hình {i}") for i in range(3)]
    db.session.commit()
    assert _count(world.health, Status.DRAFT) == 3
    db.session.delete(drafts[0])
    db.session.commit()
    assert _count(world.health, Status.DRAFT) == 2
    drafts[1].status = Status.WITHDRAWN
    db.session.flush()
    assert _count(world.health, Status.WITHDRAWN) == 1
    db.session.rollback()  # the count goes back with the change
    assert (_count(world.health, Status.DRAFT), _count(world.health, Status.WITHDRAWN)) == (2, 0)
    assert tallies.mismatches() == []


def test_the_check_reports_a_difference_and_repairs_it(world, ready, app):
    db.session.execute(update(InitiativeTally).values(count=InitiativeTally.count + 4))
    db.session.commit()
    problems = tallies.mismatches()
    assert problems and "lưu 5, đếm lại 1" in problems[0]
    result = app.test_cli_runner().invoke(args=["registry", "check-tallies"])
    assert result.exit_code != 0 and "lưu 5, đếm lại 1" in result.output
    result = app.test_cli_runner().invoke(args=["registry", "check-tallies", "--fix"])
    assert result.exit_code == 0, result.output
    assert "Đã đếm lại" in result.output
    db.session.expire_all()
    assert tallies.mismatches() == [] and _count(world.justice, Status.DRAFT) == 1


def test_writes_that_bypass_the_orm_are_counted_by_a_rebuild(world):
    """The benchmark generator inserts models in bulk (no ORM events) and then rebuilds."""
    for i in range(4):
        factories.make_initiative(world.justice, name=f"Mô hình nhập {i}", status=Status.ACCEPTED)
    db.session.commit()
    db.session.execute(delete(InitiativeTally))
    assert tallies.mismatches()
    assert tallies.rebuild() == 1
    assert _count(world.justice, Status.ACCEPTED) == 4 and tallies.mismatches() == []
