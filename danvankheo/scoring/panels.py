"""Home-page panels of the scoring feature: the evaluator's queue, the rounds under way,
and a unit's published results."""

from __future__ import annotations

from sqlalchemy import and_, func, select

from ..core.roles import Role
from ..extensions import db
from ..home.panels import register_panel
from .models import Assignment, AssignmentStatus, Round, RoundState, Scorecard, ScorecardState


def _card_join():
    return and_(
        Scorecard.round_id == Assignment.round_id,
        Scorecard.initiative_id == Assignment.initiative_id,
        Scorecard.evaluator_id == Assignment.evaluator_id,
    )


def evaluator_panel(user) -> dict | None:
    assigned, submitted = db.session.execute(
        select(
            func.count(Assignment.id).filter(Assignment.status == AssignmentStatus.ASSIGNED),
            func.count(Scorecard.id).filter(Scorecard.state == ScorecardState.SUBMITTED),
        )
        .select_from(Assignment)
        .join(Round, Assignment.round_id == Round.id)
        .outerjoin(Scorecard, _card_join())
        .where(Assignment.evaluator_id == user.id, Round.state == RoundState.SCORING,
               Round.organiser_id.in_(user.organisers_with(Role.EVALUATOR)))
    ).one()
    return {"assigned": assigned, "submitted": submitted, "remaining": assigned - submitted}


def rounds_panel(user) -> dict | None:
    """The rounds under way of the organisers the user reads (never another organiser's)."""
    from ..organisers import access

    rows = db.session.execute(
        select(
            Round,
            func.count(Assignment.id).filter(Assignment.status == AssignmentStatus.ASSIGNED),
            func.count(Scorecard.id).filter(Scorecard.state == ScorecardState.SUBMITTED),
        )
        .outerjoin(Assignment, Assignment.round_id == Round.id)
        .outerjoin(Scorecard, _card_join())
        .where(Round.state != RoundState.FINALISED,
               Round.organiser_id.in_(access.readable_organiser_ids(user)))
        .group_by(Round.id)
        .order_by(Round.id.desc())
        .limit(5)
    ).all()
    return {"rows": rows}


register_panel("scoring-evaluator", {Role.EVALUATOR}, "scoring/_panel_evaluator.html", evaluator_panel, order=10)
register_panel("scoring-rounds", {Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN}, "scoring/_panel_rounds.html",
               rounds_panel, order=30)
