"""The staff member's home panel: the unit's models by year, its deadline and its results."""

from __future__ import annotations

from sqlalchemy import case, func, select

from ..core.roles import Role
from ..core.timeutil import local_today
from ..extensions import db
from ..home.panels import register_panel
from ..registry.deadlines import days_left, deadline_for, unit_has_submitted
from ..registry.models import SUBMITTED_STATUSES, Initiative, Status
from ..scoring.models import Round, RoundState
from ..scoring.snapshots import RankingSnapshot, RankingSnapshotRow

YEARS_SHOWN = 5


def unit_years(unit_id: int) -> list[tuple[int, int, int, int]]:
    """(year, registered, submitted, accepted) for the unit's latest years, newest first."""
    submitted = func.sum(case((Initiative.status.in_(SUBMITTED_STATUSES), 1), else_=0))
    accepted = func.sum(case((Initiative.status == Status.ACCEPTED, 1), else_=0))
    rows = db.session.execute(
        select(Initiative.year, func.count(), submitted, accepted)
        .where(Initiative.unit_id == unit_id)
        .group_by(Initiative.year)
        .order_by(Initiative.year.desc())
        .limit(YEARS_SHOWN)
    )
    return [(y, n, int(s or 0), int(a or 0)) for y, n, s, a in rows]


def unit_results(unit_id: int, *, limit: int = 10) -> list[tuple[Round, RankingSnapshotRow]]:
    """The unit's lines in the published rankings (latest snapshot of finalised rounds)."""
    latest = (
        select(func.max(RankingSnapshot.id))
        .join(Round, Round.id == RankingSnapshot.round_id)
        .where(Round.state == RoundState.FINALISED)
        .group_by(RankingSnapshot.round_id)
    )
    return [
        (round_, row)
        for round_, row in db.session.execute(
            select(Round, RankingSnapshotRow)
            .join(RankingSnapshot, RankingSnapshot.round_id == Round.id)
            .join(RankingSnapshotRow, RankingSnapshotRow.snapshot_id == RankingSnapshot.id)
            .where(RankingSnapshot.id.in_(latest), RankingSnapshotRow.unit_id == unit_id)
            .order_by(Round.year.desc(), Round.id.desc(), RankingSnapshotRow.position)
            .limit(limit)
        )
    ]


def _staff_panel(user) -> dict | None:
    if not user.unit_id:
        return None
    year = local_today().year
    deadline = deadline_for(year, user.unit_id)
    return {
        "year": year,
        "years": unit_years(user.unit_id),
        "deadline": deadline,
        "days_left": days_left(deadline),
        "submitted": unit_has_submitted(year, user.unit_id),
        "results": [
            (round_, row, row.grade.label if row.grade else None)
            for round_, row in unit_results(user.unit_id)
        ],
    }


register_panel("reports-staff", {Role.STAFF}, "reports/_panel_staff.html", _staff_panel, order=15)
