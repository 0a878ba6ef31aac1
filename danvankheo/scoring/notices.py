"""What the scoring feature tells people: evaluators of their assignments, the secretariat of a
recusal, unit staff of published results; and the links those notifications carry."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from ..auth.models import User, UserRole
from ..core.links import page_link
from ..core.roles import Role
from ..extensions import db
from ..notifications.services import notify
from ..organisers.services import default_organiser_id
from ..registry.models import Initiative
from .models import Round, RoundEntry


def active_holders(role: Role, organiser_id: int | None = None):
    """A SELECT of the active users holding `role` in the organiser (default: the first one):
    whom to tell, and whom the secretariat may choose for a panel."""
    organiser_id = organiser_id or default_organiser_id()
    return (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, UserRole.organiser_id == organiser_id, User.is_active.is_(True))
    )


def secretariat_users(organiser_id: int | None = None) -> list[User]:
    return list(db.session.scalars(active_holders(Role.SECRETARIAT, organiser_id)))


def notify_assigned(round_: Round, counts: Mapping[int, int]) -> None:
    if not counts:
        return
    users = list(db.session.scalars(select(User).where(User.id.in_(list(counts)), User.is_active.is_(True))))
    link = page_link("scoring.queue", dot=round_.id)
    for user in users:
        notify(
            [user],
            kind="scoring.assigned",
            title=f"Bạn được phân công chấm {counts[user.id]} mô hình — {round_.name}",
            body="Mở “Chấm điểm” để xem hồ sơ và chấm từng mô hình.",
            link=link,
        )


def notify_units_of_results(round_: Round) -> None:
    """Tell the staff of every unit with a model in the round that results are published."""
    unit_ids = select(Initiative.unit_id).join(RoundEntry, RoundEntry.initiative_id == Initiative.id).where(
        RoundEntry.round_id == round_.id
    )
    staff = list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.STAFF, User.is_active.is_(True), User.unit_id.in_(unit_ids))
        )
    )
    notify(
        staff,
        kind="scoring.finalised",
        title=f"Đã công bố kết quả chấm điểm — {round_.name}",
        body="Xem điểm, xếp loại và nhận xét của hội đồng cho mô hình của đơn vị.",
        link=page_link("scoring.results"),
        dedup_key=f"round-finalised-{round_.id}-{round_.finalised_at.isoformat() if round_.finalised_at else ''}",
    )
