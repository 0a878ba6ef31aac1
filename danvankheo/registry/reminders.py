"""Submission deadline reminders, sent by `flask send-reminders` (notifications/reminders.py):
7 days and 1 day before, to the staff of every unit in scope that has not submitted a model
for the year (an extension moves that unit's deadline).

The key includes the deadline itself: when the secretariat moves a deadline or grants an
extension, the new date is reminded again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, select

from ..auth.models import User, UserRole
from ..core.roles import Role
from ..core.timeutil import format_datetime, local_zone
from ..extensions import db
from ..notifications.reminders import link
from ..notifications.services import notify
from ..organisers.models import Organiser
from .deadlines import ComplianceStatus, compliance_rows

DEADLINE_WINDOWS = (7, 1)  # days before the deadline


def deadline_reminders(today: date, now: datetime) -> list:
    """7-day and 1-day reminders to the staff of units in scope that have not submitted, for
    every organiser (each with its own deadline and scope of unit kinds)."""
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
                link=link("registry.index", nam=year),
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


