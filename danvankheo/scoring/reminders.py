"""Scoring reminders, sent by `flask send-reminders` (notifications/reminders.py): the scoring
window closing within 3 days, to every evaluator with an assigned model whose scorecard is
not submitted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..auth.models import User
from ..core.timeutil import format_datetime
from ..extensions import db
from ..notifications.reminders import link
from ..notifications.services import notify
from .joins import assignment_scorecard
from .models import Assignment, AssignmentStatus, Round, RoundState, Scorecard, ScorecardState

SCORING_WINDOW_DAYS = 3


def scoring_reminders(now: datetime) -> list:
    """Evaluators with unsubmitted scorecards in a round whose scoring closes within 3 days."""
    submitted = (
        select(Scorecard.id)
        .where(assignment_scorecard(), Scorecard.state == ScorecardState.SUBMITTED)
        .exists()
    )
    pending = db.session.execute(
        select(Assignment.round_id, Assignment.evaluator_id, func.count(Assignment.id))
        .join(Round, Round.id == Assignment.round_id)
        .where(
            Round.state == RoundState.SCORING,
            Round.closes_at.is_not(None),
            Round.closes_at > now,
            Round.closes_at <= now + timedelta(days=SCORING_WINDOW_DAYS),
            Assignment.status == AssignmentStatus.ASSIGNED,
            ~submitted,
        )
        .group_by(Assignment.round_id, Assignment.evaluator_id)
        .order_by(Assignment.round_id, Assignment.evaluator_id)
    ).all()
    if not pending:
        return []
    rounds = {r.id: r for r in db.session.scalars(select(Round).where(Round.id.in_({p[0] for p in pending})))}
    evaluators = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_({p[1] for p in pending}), User.is_active.is_(True))
        )
    }
    rows = [(rounds[r], evaluators[e], n) for r, e, n in pending if e in evaluators]
    created = []
    for round_, evaluator, count in rows:
        when = format_datetime(round_.closes_at)
        created += notify(
            [evaluator],
            kind="scoring_closing",
            title=f"Sắp hết hạn chấm điểm: {round_.name}",
            body=(
                f"Bạn còn {count} mô hình chưa nộp phiếu chấm trong đợt “{round_.name}”. "
                f"Hạn chấm là {when}."
            ),
            link=link("scoring.queue"),
            dedup_key=f"scoring-closing:{round_.id}:{round_.closes_at.isoformat()}",
        )
    return created
