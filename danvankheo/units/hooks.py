"""What the unit tree registers into the audit trail."""

from __future__ import annotations

from sqlalchemy import Select, select

from .. import audit
from .models import Unit, UnitKind


def units_of_organiser(organiser_id: int) -> Select:
    return select(Unit.id).where(Unit.organiser_id == organiser_id)


def register() -> None:
    audit.register_owned("Unit", units_of_organiser)
    audit.register_enum("Unit.kind", UnitKind)
