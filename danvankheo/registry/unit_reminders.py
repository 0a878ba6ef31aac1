"""Reminding a unit that has registered nothing (nhắc đơn vị chưa đăng ký), from the compliance view.

The secretariat's reminder goes to the unit's staff in the app and by e-mail, is audited,
and is limited to one per unit per (local) day, so that a unit is not flooded. The limit is
read from the audit trail itself: the trail is the record of who reminded whom and when.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select

from ..audit.models import AuditEvent
from ..audit.services import record
from ..core.timeutil import format_datetime, local_zone
from ..core.types import utcnow
from ..extensions import db
from ..notifications.services import notify
from ..organisers.names import secretariat_name_of_unit
from ..units.models import Unit
from .deadlines import DeadlineError, deadline_for, registry_link, scope_kinds, unit_has_submitted
from .workflow import unit_staff

ACTION = "deadline.remind"


def start_of_local_day(now: datetime) -> datetime:
    local = now.astimezone(local_zone())
    return datetime.combine(local.date(), time.min, tzinfo=local_zone())


def last_reminder(unit_id: int) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == ACTION, AuditEvent.object_type == "Unit", AuditEvent.object_id == unit_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


def last_reminders(unit_ids: list[int]) -> dict[int, datetime]:
    """When each unit was last reminded (one query for the compliance table)."""
    if not unit_ids:
        return {}
    return dict(
        db.session.execute(
            select(AuditEvent.object_id, func.max(AuditEvent.occurred_at))
            .where(AuditEvent.action == ACTION, AuditEvent.object_type == "Unit",
                   AuditEvent.object_id.in_(unit_ids))
            .group_by(AuditEvent.object_id)
        ).all()
    )


def remind_unit(year: int, unit: Unit, *, actor, now: datetime | None = None, organiser_id: int | None = None) -> int:
    """Remind the staff of `unit` to register a model for `year`; returns how many were told.

    `organiser_id`: the organiser the reminder is sent for; a unit outside its own scope is
    refused (another organiser's units are reminded by their own secretariat). The reminder
    is signed with the unit's organiser's secretariat."""
    now = now or utcnow()
    if organiser_id is not None and unit.organiser_id != organiser_id:
        raise DeadlineError(
            f"{unit.name} không thuộc phạm vi của cơ quan tổ chức bạn đang làm việc: "
            "chỉ thường trực của cơ quan tổ chức quản lý đơn vị này mới nhắc được đơn vị."
        )
    if not unit.is_active or unit.kind not in scope_kinds(year, unit.organiser_id):
        raise DeadlineError(f"{unit.name} không thuộc các đơn vị phải đăng ký mô hình năm {year}.")
    if unit_has_submitted(year, unit.id):
        raise DeadlineError(f"{unit.name} đã nộp mô hình năm {year}; không cần nhắc.")
    last = last_reminder(unit.id)
    if last is not None and last.occurred_at >= start_of_local_day(now):
        by = f" ({last.actor_name})" if last.actor_name else ""
        raise DeadlineError(
            f"{unit.name} đã được nhắc lúc {format_datetime(last.occurred_at)}{by}. "
            "Mỗi đơn vị chỉ được nhắc một lần mỗi ngày; vui lòng nhắc lại vào ngày mai."
        )
    staff = unit_staff(unit.id)
    if not staff:
        raise DeadlineError(
            f"{unit.name} chưa có tài khoản cán bộ đang hoạt động nào để nhận lời nhắc. "
            "Vui lòng liên hệ đơn vị bằng cách khác hoặc đề nghị quản trị tạo tài khoản."
        )
    deadline = deadline_for(year, unit)
    when = "đã quá hạn nộp" if now > deadline else "hạn nộp là"
    created = notify(
        staff,
        kind="deadline_reminder_manual",
        title=f"Nhắc đăng ký mô hình “Dân vận khéo” năm {year}",
        body=(
            f"{secretariat_name_of_unit(unit)} nhắc: {unit.name} chưa nộp mô hình nào cho năm {year}; "
            f"{when} {format_datetime(deadline)}. Vui lòng đăng ký, hoàn thiện hồ sơ và nộp mô hình."
        ),
        link=registry_link(year),
        dedup_key=f"manual-remind:{unit.id}:{start_of_local_day(now).date().isoformat()}",
    )
    if not created:  # a second click that raced the first one
        raise DeadlineError(f"{unit.name} vừa được nhắc hôm nay; mỗi đơn vị chỉ được nhắc một lần mỗi ngày.")
    record(ACTION, unit, actor=actor, changes={"year": [None, year], "recipients": [None, len(created)]})
    db.session.flush()
    return len(created)
