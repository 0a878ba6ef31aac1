"""Join conditions that several scoring queries share."""

from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement

from .models import Assignment, Scorecard


def assignment_scorecard() -> ColumnElement[bool]:
    """An assignment's scorecard: the one its evaluator keeps for that round and model."""
    return and_(
        Scorecard.round_id == Assignment.round_id,
        Scorecard.initiative_id == Assignment.initiative_id,
        Scorecard.evaluator_id == Assignment.evaluator_id,
    )
