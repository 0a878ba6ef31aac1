"""What organisers register into the audit trail."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, or_, select

from .. import audit
from .models import Nomination, NominationState, Organiser


def the_organiser(organiser_id: int) -> list[int]:
    return [organiser_id]


def nominations_of_organiser(organiser_id: int) -> Select:
    """A proposal upward is read by the organiser that sent it and the one that received it."""
    return select(Nomination.id).where(or_(Nomination.from_organiser_id == organiser_id,
                                           Nomination.to_organiser_id == organiser_id))


def is_default_organiser(organiser_id: int) -> ColumnElement[bool]:
    return select(Organiser.id).where(Organiser.id == organiser_id, Organiser.is_default.is_(True)).exists()


def register() -> None:
    audit.register_owned("Organiser", the_organiser)
    audit.register_owned("Nomination", nominations_of_organiser)
    audit.register_default_organiser(is_default_organiser)
    audit.register_enum("Nomination.state", NominationState)
