"""Submission deadlines (hạn nộp), per-unit extensions (gia hạn) and the compliance view.

The default deadline is 15 October, 23:59 local time (the Phú Giáo directive: units report
to Phòng Nội vụ before 15 October). The units that must register each year default to the
active departments (sở, ban, ngành: the Ninh Bình circular requires each to build at least
one model a year) and communes (xã, phường: since July 2025 the only local level below the
province). Divisions and public-service units report through the department they belong to,
and districts no longer exist; the secretariat can widen or narrow the scope per year.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import url_for
from sqlalchemy import ColumnElement, and_, false, func, or_, select

from ..audit.services import record
from ..core.errors import DomainError
from ..core.labels import LabelledEnum
from ..core.timeutil import format_datetime, local_end_of_day, local_zone
from ..core.types import utcnow
from ..extensions import db
from ..units.models import Unit, UnitKind
from .models import DeadlineExtension, Initiative, InitiativeTally, Status, SubmissionDeadline

DEFAULT_DEADLINE_MONTH_DAY = (10, 15)
NEAR_DAYS = 7  # a deadline this many days away, or fewer, is announced on the staff's pages
# Who must register when an organiser has not said: a province asks its sở and communes; a
# commune (or a sở running its own competition) asks its divisions and public-service units.
DEFAULT_SCOPE_KINDS = (UnitKind.DEPARTMENT, UnitKind.COMMUNE)
LOWER_LEVEL_SCOPE_KINDS = (UnitKind.DIVISION, UnitKind.PUBLIC_SERVICE)
# Models that count towards "the unit has submitted": rejected ones do not.
COUNTED_STATUSES = (Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED)


class DeadlineError(DomainError):
    """A refused deadline operation or a submission after the deadline (Vietnamese message)."""


def default_deadline(year: int) -> datetime:
    month, day = DEFAULT_DEADLINE_MONTH_DAY
    return local_end_of_day(date(year, month, day))


def _organiser_id(organiser_id: int | None) -> int | None:
    """Each organiser sets its own deadline; None means the deployment's default organiser."""
    if organiser_id is not None:
        return organiser_id
    from ..organisers.services import default_organiser_id

    return default_organiser_id()


def _require_organiser(organiser_id: int | None) -> int:
    organiser_id = _organiser_id(organiser_id)
    if organiser_id is None:
        raise DeadlineError("Chưa có cơ quan tổ chức nào: hãy tạo đơn vị cấp cao nhất trước khi đặt hạn nộp.")
    return organiser_id


def year_settings(year: int, organiser_id: int | None = None) -> SubmissionDeadline | None:
    return db.session.scalar(select(SubmissionDeadline).where(
        SubmissionDeadline.year == year, SubmissionDeadline.organiser_id == _organiser_id(organiser_id)))


def general_deadline(year: int, organiser_id: int | None = None) -> datetime:
    settings = year_settings(year, organiser_id)
    return settings.deadline_at if settings else default_deadline(year)


def default_scope_kinds(level, is_default: bool = False) -> tuple[UnitKind, ...]:
    """The kinds an organiser asks by default: the deployment's default organiser (the top of
    the tree, whatever kind its unit is) and a province ask their sở and communes; a commune
    or a sở running its own competition asks its divisions and public-service units."""
    if is_default or level is None or level.value == "province":
        return DEFAULT_SCOPE_KINDS
    return LOWER_LEVEL_SCOPE_KINDS


def organiser_levels(organiser_ids) -> dict:
    """{organiser id: (its level, whether it is the default organiser)}, in one statement."""
    from ..organisers.models import Organiser

    ids = [i for i in organiser_ids if i is not None]
    if not ids:
        return {}
    rows = db.session.execute(select(Organiser.id, Organiser.level, Organiser.is_default).where(Organiser.id.in_(ids)))
    return {row.id: (row.level, row.is_default) for row in rows}


def _scope_of(settings: SubmissionDeadline | None, level=None) -> list[UnitKind]:
    """`level`: (OrganiserLevel, is default) of the organiser, for its default."""
    if settings is None:
        return list(default_scope_kinds(*(level or (None, False))))
    return list(settings.scope_kinds)


def scope_kinds(year: int, organiser_id: int | None = None) -> list[UnitKind]:
    """The kinds of unit that must register a model in `year`."""
    organiser_id = _organiser_id(organiser_id)
    settings = year_settings(year, organiser_id)
    if settings is not None:
        return _scope_of(settings)
    return _scope_of(None, organiser_levels([organiser_id]).get(organiser_id))


def extension_for(year: int, unit_id: int) -> DeadlineExtension | None:
    return db.session.scalar(
        select(DeadlineExtension).where(DeadlineExtension.year == year, DeadlineExtension.unit_id == unit_id)
    )


def deadline_for(year: int, unit: Unit | int) -> datetime:
    """The last moment `unit` may submit its models of `year`: its extension, if any."""
    unit = unit if isinstance(unit, Unit) else db.session.get(Unit, unit)
    unit_id = unit.id
    deadline = general_deadline(year, unit.organiser_id)
    extension = extension_for(year, unit_id)
    if extension is not None and extension.until > deadline:
        return extension.until
    return deadline


def check_submission_time(initiative: Initiative, now: datetime | None = None) -> bool:
    """Refuse a submission after the deadline; True when it is late but under an extension."""
    now = now or utcnow()
    from ..organisers.names import secretariat_name_of_unit

    general = general_deadline(initiative.year, initiative.unit.organiser_id)
    if now <= general:
        return False
    if now <= deadline_for(initiative.year, initiative.unit_id):
        return True
    raise DeadlineError(
        f"Đã quá hạn nộp mô hình năm {initiative.year} (hạn chót {format_datetime(general)}). "
        f"Đơn vị cần được gia hạn mới nộp được; vui lòng liên hệ {secretariat_name_of_unit(initiative.unit)}."
    )


def days_left(deadline: datetime, now: datetime | None = None) -> int:
    """Whole calendar days from today to the deadline's day, in local time (0 = today)."""
    now = now or utcnow()
    zone = local_zone()
    return (deadline.astimezone(zone).date() - now.astimezone(zone).date()).days


class NoticeState(enum.Enum):
    NEAR = "near"  # within NEAR_DAYS days
    PASSED = "passed"


@dataclass(frozen=True)
class DeadlineNotice:
    """What a unit's staff are told about the deadline of one year."""

    year: int
    deadline: datetime  # the unit's own: its extension when it has one
    general: datetime
    extended: bool  # the unit's deadline is an extension beyond the general one
    days_left: int
    state: NoticeState | None
    secretariat: str = ""  # whom the unit asks for an extension: its organiser's secretariat

    @property
    def is_near(self) -> bool:
        return self.state is NoticeState.NEAR

    @property
    def has_passed(self) -> bool:
        return self.state is NoticeState.PASSED


def deadline_notice(year: int, unit_id: int, now: datetime | None = None) -> DeadlineNotice:
    """The unit's deadline of `year`, and whether it is near or has passed."""
    now = now or utcnow()
    unit = db.session.get(Unit, unit_id)
    general = general_deadline(year, unit.organiser_id)
    deadline = deadline_for(year, unit)
    left = days_left(deadline, now)
    if now > deadline:
        state = NoticeState.PASSED
    elif left <= NEAR_DAYS:
        state = NoticeState.NEAR
    else:
        state = None
    from ..organisers.names import secretariat_name_of_unit

    return DeadlineNotice(year=year, deadline=deadline, general=general, extended=deadline > general,
                          days_left=left, state=state, secretariat=secretariat_name_of_unit(unit))


def deadline_from_local(day: date, at: time) -> datetime:
    """A deadline typed as a local date and time; the whole minute counts."""
    return datetime.combine(day, at.replace(second=59, microsecond=0), tzinfo=local_zone())


def set_year_settings(
    year: int, *, deadline_at: datetime, kinds: list[UnitKind], actor=None, organiser_id: int | None = None
) -> SubmissionDeadline:
    if not kinds:
        raise DeadlineError("Chọn ít nhất một loại đơn vị phải đăng ký mô hình.")
    organiser_id = _require_organiser(organiser_id)
    settings = year_settings(year, organiser_id)
    old_deadline = general_deadline(year, organiser_id)
    old_kinds = [k.value for k in scope_kinds(year, organiser_id)]
    if settings is None:
        settings = SubmissionDeadline(year=year, organiser_id=organiser_id)
        db.session.add(settings)
    settings.deadline_at = deadline_at
    settings.scope_kinds = kinds
    settings.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(
        "deadline.set",
        settings,
        actor=actor,
        label=f"Hạn nộp mô hình năm {year}",
        changes={
            "deadline_at": [old_deadline.isoformat(), deadline_at.isoformat()],
            "scope_kinds": [old_kinds, [k.value for k in kinds]],
        },
    )
    return settings


def check_in_scope(unit: Unit, organiser_id: int | None) -> None:
    """Refuse a unit outside the own scope of the organiser acting (None: no check)."""
    if organiser_id is not None and unit.organiser_id != organiser_id:
        raise DeadlineError(
            f"{unit.name} không thuộc phạm vi của cơ quan tổ chức bạn đang làm việc: hạn nộp và gia hạn "
            "của đơn vị này do thường trực của cơ quan tổ chức quản lý đơn vị quyết định.",
            field="unit_id",
        )


def grant_extension(
    year: int, unit: Unit, *, until: datetime, reason: str = "", actor=None, organiser_id: int | None = None
) -> DeadlineExtension:
    """Extend `unit`'s deadline of `year`. `organiser_id`: the organiser granting it, which
    must be the unit's own (None: the unit's organiser, unchecked)."""
    check_in_scope(unit, organiser_id)
    general = general_deadline(year, unit.organiser_id)
    if until <= general:
        raise DeadlineError(f"Ngày gia hạn phải sau hạn chung ({format_datetime(general)}).", field="until_date")
    extension = extension_for(year, unit.id)
    old = extension.until.isoformat() if extension else None
    if extension is None:
        extension = DeadlineExtension(year=year, unit=unit)
        db.session.add(extension)
    extension.until = until
    extension.reason = (reason or "").strip()
    extension.granted_by_id = getattr(actor, "id", None)
    extension.granted_at = utcnow()
    db.session.flush()
    record(
        "deadline.extend",
        unit,
        actor=actor,
        reason=extension.reason or None,
        changes={"year": [None, year], "until": [old, until.isoformat()]},
    )
    _tell_unit(
        unit,
        kind="deadline_extended",
        title=f"Đơn vị được gia hạn nộp mô hình “Dân vận khéo” năm {year}",
        body=(
            f"{unit.name} được gia hạn nộp mô hình năm {year} đến {format_datetime(until)} "
            f"(hạn chung: {format_datetime(general)})."
            + (f" Lý do: {extension.reason}" if extension.reason else "")
        ),
        year=year,
    )
    return extension


def revoke_extension(extension: DeadlineExtension, *, actor=None, organiser_id: int | None = None) -> None:
    check_in_scope(extension.unit, organiser_id)
    record(
        "deadline.extension_revoke",
        extension.unit,
        actor=actor,
        changes={"year": [extension.year, None], "until": [extension.until.isoformat(), None]},
    )
    year, unit = extension.year, extension.unit
    db.session.delete(extension)
    db.session.flush()
    _tell_unit(
        unit,
        kind="deadline_extension_revoked",
        title=f"Gia hạn nộp mô hình năm {year} của đơn vị đã được hủy",
        body=(f"Hạn nộp mô hình năm {year} của {unit.name} trở lại hạn chung: "
              f"{format_datetime(general_deadline(year, unit.organiser_id))}."),
        year=year,
    )


def _tell_unit(unit: Unit, *, kind: str, title: str, body: str, year: int) -> None:
    """Notify the unit's staff in the app; the mail follows when the request commits."""
    from ..notifications.services import notify
    from .workflow import unit_staff

    notify(unit_staff(unit.id), kind=kind, title=title, body=body, link=registry_link(year))


def registry_link(year: int) -> str:
    """The unit's list of models of `year`, for a notification."""
    try:
        return url_for("registry.index", nam=year)
    except RuntimeError:  # outside a request (commands, tests of the service)
        return f"/mo-hinh?nam={year}"


# --- Compliance (tình hình đăng ký) ---------------------------------------------------------


class ComplianceStatus(LabelledEnum):
    MET = "Đạt"
    LATE = "Nộp muộn"
    MISSING = "Chưa nộp"


@dataclass
class ComplianceRow:
    unit: Unit
    deadline: datetime
    extension_until: datetime | None = None
    drafts: int = 0  # bản nháp and withdrawn models
    submitted: int = 0  # every model that has been submitted and not withdrawn
    waiting: int = 0  # submitted, waiting for review
    returned: int = 0
    accepted: int = 0
    rejected: int = 0
    on_time: int = 0  # counted models submitted on time
    late: int = 0  # counted models submitted late under an extension
    status: ComplianceStatus = ComplianceStatus.MISSING


def scope_units_query(year: int, kinds: list[UnitKind] | None = None, organiser_id: int | None = None):
    """Active units of the organiser's own scope, of the kinds that must register in `year`."""
    organiser_id = _organiser_id(organiser_id)
    kinds = kinds if kinds is not None else scope_kinds(year, organiser_id)
    return select(Unit).where(Unit.is_active.is_(True), Unit.kind.in_(kinds), Unit.organiser_id == organiser_id)


def compliance_rows(year: int, organiser_id: int | None = None) -> list[ComplianceRow]:
    """Every unit that must register in `year`, with its counts and compliance status.

    A fixed number of queries whatever the number of units: the year's settings, the units,
    the grouped counts and the extensions.
    """
    organiser_id = _organiser_id(organiser_id)
    return compliance_rows_of(year, [organiser_id] if organiser_id is not None else [])


@dataclass(frozen=True)
class YearScope:
    """Who must register in a year, organiser by organiser: the kinds of units each asks, its
    general deadline, and the SQL condition on `Unit` for the active units of those kinds."""

    kinds_of: dict[int, list[UnitKind]]
    general_of: dict[int, datetime]
    units: ColumnElement[bool]


def year_scope(year: int, organiser_ids: list[int]) -> YearScope:
    found = {
        s.organiser_id: s
        for s in db.session.scalars(select(SubmissionDeadline).where(
            SubmissionDeadline.year == year, SubmissionDeadline.organiser_id.in_(organiser_ids)))
    }
    levels = organiser_levels(org for org in organiser_ids if org not in found)
    kinds_of = {org: _scope_of(found.get(org), levels.get(org)) for org in organiser_ids}
    general_of = {org: found[org].deadline_at if org in found else default_deadline(year) for org in organiser_ids}
    units = and_(Unit.is_active.is_(True), or_(*(
        and_(Unit.organiser_id == org, Unit.kind.in_(kinds)) for org, kinds in kinds_of.items() if kinds
    ), false()))
    return YearScope(kinds_of, general_of, units)


def compliance_rows_of(year: int, organiser_ids) -> list[ComplianceRow]:
    """`compliance_rows` of several organisers at once (an observer's subtree, a roll-up of
    the communes), each unit judged by its own organiser's settings, in the same fixed number
    of queries. Units come organiser by organiser, in the order of `organiser_ids`."""
    organiser_ids = list(dict.fromkeys(organiser_ids))
    if not organiser_ids:
        return []
    scope = year_scope(year, organiser_ids)
    kinds_of = scope.kinds_of
    in_scope = select(Unit).where(scope.units)
    position = {org: i for i, org in enumerate(organiser_ids)}
    units = sorted(
        db.session.scalars(in_scope),
        key=lambda u: (position[u.organiser_id], kinds_of[u.organiser_id].index(u.kind), u.sort_name, u.id),
    )
    extensions = {
        e.unit_id: e.until
        for e in db.session.scalars(select(DeadlineExtension).where(DeadlineExtension.year == year))
    }
    return _rows_of_units(year, units, scope.general_of, extensions, in_scope.with_only_columns(Unit.id))


def compliance_rows_of_units(year: int, units: list[Unit], general_of: dict[int, datetime]) -> list[ComplianceRow]:
    """The compliance rows of the given units (a page of the view), in their order, in two
    queries: their extensions and their counts."""
    if not units:
        return []
    ids = [u.id for u in units]
    extensions = dict(db.session.execute(
        select(DeadlineExtension.unit_id, DeadlineExtension.until)
        .where(DeadlineExtension.year == year, DeadlineExtension.unit_id.in_(ids))).all())
    return _rows_of_units(year, units, general_of, extensions, ids)


def _rows_of_units(year: int, units: list[Unit], general_of: dict[int, datetime], extensions: dict[int, datetime],
                   unit_ids) -> list[ComplianceRow]:
    """`units`' rows; `unit_ids`: their ids, or a query of them."""
    rows = {}
    for u in units:
        general = general_of[u.organiser_id]
        rows[u.id] = ComplianceRow(
            unit=u,
            deadline=max(general, extensions.get(u.id, general)),
            extension_until=extensions.get(u.id),
        )
    # The counts the registry keeps per unit (`registry.tallies`): a unit has a few rows a year.
    counts = db.session.execute(
        select(InitiativeTally.unit_id, InitiativeTally.status, InitiativeTally.is_late, func.sum(InitiativeTally.count))
        .where(InitiativeTally.year == year, InitiativeTally.unit_id.in_(unit_ids))
        .group_by(InitiativeTally.unit_id, InitiativeTally.status, InitiativeTally.is_late)
    )
    for unit_id, status, is_late, total in counts:
        count = int(total)
        row = rows.get(unit_id)
        if row is None:
            continue
        if status in (Status.DRAFT, Status.WITHDRAWN):
            row.drafts += count
            continue
        row.submitted += count
        if status is Status.SUBMITTED:
            row.waiting += count
        elif status is Status.RETURNED:
            row.returned += count
        elif status is Status.ACCEPTED:
            row.accepted += count
        elif status is Status.REJECTED:
            row.rejected += count
        if status in COUNTED_STATUSES:
            if is_late:
                row.late += count
            else:
                row.on_time += count
    for row in rows.values():
        if row.on_time:
            row.status = ComplianceStatus.MET
        elif row.late:
            row.status = ComplianceStatus.LATE
    return list(rows.values())


@dataclass
class ComplianceTotals:
    units: int
    met: int
    late: int
    missing: int
    drafts: int
    submitted: int
    accepted: int


def compliance_totals(rows: list[ComplianceRow]) -> ComplianceTotals:
    return ComplianceTotals(
        units=len(rows),
        met=sum(r.status is ComplianceStatus.MET for r in rows),
        late=sum(r.status is ComplianceStatus.LATE for r in rows),
        missing=sum(r.status is ComplianceStatus.MISSING for r in rows),
        drafts=sum(r.drafts for r in rows),
        submitted=sum(r.submitted for r in rows),
        accepted=sum(r.accepted for r in rows),
    )


def unit_has_submitted(year: int, unit_id: int) -> bool:
    """True when the unit has at least one model of `year` that counts as submitted."""
    return bool(
        db.session.scalar(
            select(func.count()).where(
                Initiative.unit_id == unit_id,
                Initiative.year == year,
                Initiative.status.in_(COUNTED_STATUSES),
            )
        )
    )
