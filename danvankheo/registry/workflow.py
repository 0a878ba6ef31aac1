"""The life of a model: draft → submitted → returned → submitted → accepted or rejected.

`TRANSITIONS` is the whole rule book: a move is allowed only if (from, to, who) is in it.
Every move writes a `Transition` row (who, when, why), an audit event and notifications.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context, url_for
from sqlalchemy import and_, select

from ..audit.services import record
from ..auth.models import User, UserRole
from ..core.errors import DomainError
from ..core.roles import Role
from ..core.types import utcnow
from ..extensions import db
from ..notifications.services import notify
from . import permissions, similarity
from .deadlines import DeadlineError, check_submission_time
from .models import Initiative, Status, Transition
from .services import STALE_MESSAGE, missing_for_submit


class Actor(enum.Enum):
    OWNER = "owner"  # staff of the model's unit
    REVIEWER = "reviewer"  # the secretariat (and admins, who have the same rights here)


D, S, R, A, J, W = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED,
                    Status.REJECTED, Status.WITHDRAWN)  # fmt: skip

TRANSITIONS: frozenset[tuple[Status, Status, Actor]] = frozenset({
    (D, S, Actor.OWNER),      # nộp
    (R, S, Actor.OWNER),      # nộp lại sau khi bổ sung
    (W, S, Actor.OWNER),      # nộp lại sau khi rút
    (S, W, Actor.OWNER),      # rút hồ sơ
    (R, W, Actor.OWNER),
    (S, R, Actor.REVIEWER),   # trả lại để bổ sung
    (S, A, Actor.REVIEWER),   # tiếp nhận
    (S, J, Actor.REVIEWER),   # không tiếp nhận
})  # fmt: skip


@dataclass(frozen=True)
class Action:
    slug: str  # in the URL
    target: Status
    label: str  # button
    done: str  # flash message
    needs_reason: bool = False
    notify_kind: str | None = None


ACTIONS: dict[str, Action] = {
    a.slug: a
    for a in (
        Action("nop", S, "Nộp mô hình", "Đã nộp mô hình."),
        Action("rut", W, "Rút hồ sơ", "Đã rút hồ sơ; mô hình trở lại thành bản nháp của đơn vị."),
        Action("tra-lai", R, "Trả lại để bổ sung", "Đã trả lại mô hình cho đơn vị.", True, "initiative_returned"),
        Action("tiep-nhan", A, "Tiếp nhận", "Đã tiếp nhận mô hình.", False, "initiative_accepted"),
        Action("khong-tiep-nhan", J, "Không tiếp nhận", "Đã ghi nhận không tiếp nhận mô hình.", True,
               "initiative_rejected"),
    )
}
ACTION_BY_TARGET = {a.target: a for a in ACTIONS.values()}


class TransitionRefused(DomainError):
    """A move the rules do not allow. `forbidden` means "not yours to do": the refusal is then
    answered with a 403 page rather than a message."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message, status=403 if forbidden else None)
        self.forbidden = forbidden


def actor_roles(user, initiative: Initiative) -> set[Actor]:
    roles = set()
    if permissions.is_own_unit(user, initiative):
        roles.add(Actor.OWNER)
    if permissions.reviews_scope_of(user, initiative):
        roles.add(Actor.REVIEWER)
    return roles


def is_allowed(user, initiative: Initiative, target: Status) -> bool:
    return any((initiative.status, target, role) in TRANSITIONS for role in actor_roles(user, initiative))


def available_actions(user, initiative: Initiative) -> list[Action]:
    """The buttons to show: exactly the moves `transition` would accept from this user."""
    return [a for a in ACTIONS.values() if is_allowed(user, initiative, a.target)]


def transition(
    initiative: Initiative,
    target: Status,
    user,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Transition:
    """Move `initiative` to `target` on behalf of `user`, or raise TransitionRefused."""
    now = now or utcnow()
    reason = (reason or "").strip() or None
    roles = actor_roles(user, initiative)
    if not any(role for (_f, to, role) in TRANSITIONS if to is target and role in roles):
        raise TransitionRefused("Bạn không có quyền thực hiện thao tác này với mô hình.", forbidden=True)
    if expected_version is not None and expected_version != initiative.version:
        raise TransitionRefused(STALE_MESSAGE)
    source = initiative.status
    if not any((source, target, role) in TRANSITIONS for role in roles):
        raise TransitionRefused(
            f"Không thể chuyển mô hình từ trạng thái “{source.label}” sang “{target.label}”."
        )
    action = ACTION_BY_TARGET[target]
    if action.needs_reason and not reason:
        raise TransitionRefused(f"Vui lòng ghi rõ lý do khi chọn “{action.label}”.")
    is_late = False
    if target is Status.SUBMITTED:
        missing = missing_for_submit(initiative)
        if missing:
            raise TransitionRefused("Hồ sơ chưa đủ để nộp. Còn thiếu: " + "; ".join(missing) + ".")
        if source is Status.RETURNED:
            # A returned model was submitted in time; fixing it is not a new submission.
            is_late = initiative.is_late
        else:
            try:
                is_late = check_submission_time(initiative, now)
            except DeadlineError as error:
                raise TransitionRefused(str(error)) from error
            initiative.is_late = is_late
            initiative.submitted_at = now
    initiative.status = target
    step = Transition(
        from_status=source,
        to_status=target,
        actor_id=getattr(user, "id", None),
        occurred_at=now,
        reason=reason,
        is_late=is_late,
    )
    initiative.transitions.append(step)
    db.session.flush()
    if target is Status.ACCEPTED:
        from ..feedback.services import open_survey  # the people's survey opens on acceptance

        open_survey(initiative)
    if target in (Status.SUBMITTED, Status.ACCEPTED):
        similarity.detect(initiative)  # warnings for the secretariat: a recycled model, reused evidence
    record(
        f"initiative.{target.value}",
        initiative,
        actor=user,
        reason=reason,
        changes={"status": [source.value, target.value]},
    )
    _notify(initiative, action, reason)
    return step


def _link(initiative: Initiative) -> str:
    if has_request_context():
        return url_for("registry.detail", initiative_id=initiative.id)
    return f"/mo-hinh/{initiative.id}"


def unit_staff(unit_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.unit_id == unit_id, User.is_active.is_(True), User.role_links.any(role=Role.STAFF)
            )
        )
    )


def secretariat_users(organiser_id: int | None) -> list[User]:
    """The active secretariat of one organiser (never another organiser's)."""
    if organiser_id is None:
        return []
    return list(
        db.session.scalars(
            select(User).where(
                User.is_active.is_(True),
                User.role_links.any(and_(UserRole.role == Role.SECRETARIAT, UserRole.organiser_id == organiser_id)),
            )
        )
    )


def _notify(initiative: Initiative, action: Action, reason: str | None) -> None:
    name = initiative.name
    if action.target is Status.SUBMITTED:
        notify(
            secretariat_users(initiative.unit.organiser_id),
            kind="initiative_submitted",
            title=f"{initiative.unit.name} đã nộp mô hình “{name}”",
            link=_link(initiative),
        )
        return
    if action.notify_kind is None:
        return
    titles = {
        Status.RETURNED: f"Mô hình “{name}” được trả lại để bổ sung",
        Status.ACCEPTED: f"Mô hình “{name}” đã được tiếp nhận",
        Status.REJECTED: f"Mô hình “{name}” không được tiếp nhận",
    }
    notify(
        unit_staff(initiative.unit_id),
        kind=action.notify_kind,
        title=titles[action.target],
        body=f"Lý do: {reason}" if reason else "",
        link=_link(initiative),
    )
