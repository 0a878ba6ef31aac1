"""Reminders sent by `flask send-reminders` (run from cron, once or several times a day).

Each reminder carries a `dedup_key` naming what it reminds of, so running the command again
creates nothing new. The key includes the deadline itself: when the secretariat moves a
deadline or grants an extension, the new date is reminded again.

- Submission deadline, 7 days and 1 day before, to the staff of every unit in scope that has
  not submitted a model for the year (an extension moves that unit's deadline).
- Scoring window closing within 3 days, to every evaluator with an assigned model whose
  scorecard is not submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import and_, func, select
from werkzeug.routing import BuildError

from ..auth.models import Role, User, UserRole
from ..core.timeutil import format_datetime, local_today, local_zone
from ..core.types import utcnow
from ..extensions import db
from .services import notify

DEADLINE_WINDOWS = (7, 1)  # days before the deadline
SCORING_WINDOW_DAYS = 3


@dataclass
class ReminderSummary:
    deadline: int = 0
    scoring: int = 0


def send_reminders(*, today: date | None = None, now: datetime | None = None) -> ReminderSummary:
    """Create the reminders due today; flushes, the caller commits (which sends the mail)."""
    today = today or local_today()
    if now is None:
        # "Today" given for a dry run: pretend it is noon local time that day.
        now = utcnow() if today == local_today() else datetime.combine(
            today, datetime.min.time().replace(hour=12), tzinfo=local_zone()
        )
    return ReminderSummary(
        deadline=len(deadline_reminders(today, now)),
        scoring=len(scoring_reminders(now)),
    )


def _link(endpoint: str, **values) -> str | None:
    try:
        return url_for(endpoint, **values)
    except (BuildError, RuntimeError):
        return None


def deadline_reminders(today: date, now: datetime) -> list:
    """7-day and 1-day reminders to the staff of units in scope that have not submitted, for
    every organiser (each with its own deadline and scope of unit kinds)."""
    from ..organisers.models import Organiser
    from ..registry.deadlines import ComplianceStatus, compliance_rows

    created = []
    organiser_ids = list(db.session.scalars(select(Organiser.id).order_by(Organiser.id)))
    # Late in December the next year's deadline is still far; early in January last year's
    # extensions may still run: look at both neighbours of today.
    for year in (today.year - 1, today.year):
        due = []
        rows = [row for organiser_id in organiser_ids for row in compliance_rows(year, organiser_id)]
        for row in rows:
            if row.status is not ComplianceStatus.MISSING or row.deadline <= now:
                continue
            days_left = (row.deadline.astimezone(local_zone()).date() - today).days
            window = _window(days_left)
            if window is not None:
                due.append((row, days_left, window))
        staff = _staff_by_unit({row.unit.id for row, _, _ in due})
        for row, days_left, window in due:
            if not staff.get(row.unit.id):
                continue
            when = format_datetime(row.deadline)
            left = "hạn chót là hôm nay" if days_left == 0 else f"còn {days_left} ngày"
            created += notify(
                staff[row.unit.id],
                kind=f"deadline_{window}_days",
                title=f"Sắp hết hạn nộp mô hình “Dân vận khéo” năm {year} ({left})",
                body=(
                    f"Đơn vị {row.unit.name} chưa nộp mô hình nào cho năm {year}. "
                    f"Hạn nộp là {when}. Vui lòng hoàn thiện hồ sơ và nộp trước hạn."
                ),
                link=_link("registry.index", nam=year),
                dedup_key=f"deadline:{window}:{year}:{row.unit.id}:{row.deadline.isoformat()}",
            )
    return created


def _window(days_left: int) -> int | None:
    """The reminder a deadline `days_left` days away is due for, if any."""
    if days_left < 0:
        return None
    due = [w for w in DEADLINE_WINDOWS if days_left <= w]
    return min(due) if due else None


def _staff_by_unit(unit_ids: set[int]) -> dict[int, list[User]]:
    if not unit_ids:
        return {}
    staff: dict[int, list[User]] = {}
    for user in db.session.scalars(
        select(User)
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.STAFF))
        .where(User.unit_id.in_(unit_ids), User.is_active.is_(True))
        .order_by(User.id)
    ):
        staff.setdefault(user.unit_id, []).append(user)
    return staff


def scoring_reminders(now: datetime) -> list:
    """Evaluators with unsubmitted scorecards in a round whose scoring closes within 3 days."""
    from ..scoring.models import (
        Assignment,
        AssignmentStatus,
        Round,
        RoundState,
        Scorecard,
        ScorecardState,
    )

    submitted = (
        select(Scorecard.id)
        .where(
            Scorecard.round_id == Assignment.round_id,
            Scorecard.initiative_id == Assignment.initiative_id,
            Scorecard.evaluator_id == Assignment.evaluator_id,
            Scorecard.state == ScorecardState.SUBMITTED,
        )
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
            link=_link("scoring.queue"),
            dedup_key=f"scoring-closing:{round_.id}:{round_.closes_at.isoformat()}",
        )
    return created
