"""What evaluation rounds register into the audit trail and the reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import Select, select

from .. import audit
from ..notifications.reminders import register_reminder
from ..registry.models import Field
from ..units.models import UnitKind
from .forms import CriterionForm, RoundForm
from .models import (
    AggregationMethod,
    Assignment,
    AssignmentStatus,
    Criterion,
    RankingBasis,
    Round,
    RoundState,
    Scorecard,
    ScorecardState,
)
from .reminders import scoring_reminders


def rounds_of_organiser(organiser_id: int) -> Select:
    return select(Round.id).where(Round.organiser_id == organiser_id)


def _of_rounds(model) -> Callable[[int], Select]:
    def ids(organiser_id: int) -> Select:
        return select(model.id).where(model.round_id.in_(rounds_of_organiser(organiser_id)))
    return ids


def _scoring_reminders(today: date, now: datetime) -> list:
    return scoring_reminders(now)


def register() -> None:
    audit.register_form_labels("Round", RoundForm, closes_at="Hạn chấm")
    audit.register_form_labels("Criterion", CriterionForm)
    audit.register_owned("Round", rounds_of_organiser)
    for model in (Criterion, Assignment, Scorecard):
        audit.register_owned(model.__name__, _of_rounds(model))
    audit.register_enums({
        "Round.state": RoundState, "Scorecard.state": ScorecardState, "Round.aggregation": AggregationMethod,
        "Assignment.status": AssignmentStatus, "Round.scope_unit_kind": UnitKind, "scope_field": Field,
        "ranking_basis": RankingBasis,
    })
    register_reminder("scoring", "nhắc hạn chấm", _scoring_reminders)
