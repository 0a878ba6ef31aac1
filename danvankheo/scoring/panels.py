"""Home-page panels of the scoring feature: the evaluator's queue, the rounds under way,
and a unit's published results."""

from __future__ import annotations

from sqlalchemy import func, select

from ..core.roles import Role
from ..extensions import db
from ..home.panels import register_panel
from .joins import assignment_scorecard
from .models import Assignment, AssignmentStatus, Round, RoundState, Scorecard, ScorecardState


def evaluator_panel(user) -> dict | None:
    assigned, submitted = db.session.execute(
        select(
            func.count(Assignment.id).filter(Assignment.status == AssignmentStatus.ASSIGNED),
            func.count(Scorecard.id).filter(Scorecard.state == ScorecardState.SUBMITTED),
        )
        .select_from(Assignment)
        .join(Round, Assignment.round_id == Round.id)
        .outerjoin(Scorecard, assignment_scorecard())
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
        .outerjoin(Scorecard, assignment_scorecard())
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
