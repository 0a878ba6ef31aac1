"""Test data built through the app's own models and services.

Every factory flushes and returns the object; tests commit when they need the data to
be visible to a request (the test client shares the session's database, not its session).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from danvankheo.auth.models import User
from danvankheo.auth.services import create_user
from danvankheo.core.roles import SCOPED_ROLES, Role
from danvankheo.extensions import db
from danvankheo.organisers.services import default_organiser
from danvankheo.registry.models import Field, Initiative, InitiativeKind, InitiativeMember, Status
from danvankheo.units.models import Unit, UnitKind
from danvankheo.units.services import create_unit

PASSWORD = "MatKhauThu123"
_seq = itertools.count(1)

# Where data built without a parent or a unit goes (see `inside_organiser`): None = the
# deployment's root and default organiser, as in most tests.
default_parent: Unit | None = None
default_organiser_id: int | None = None


@contextmanager
def inside_organiser(organiser) -> Iterator[None]:
    """Build a world inside `organiser` (an `organisers.models.Organiser`) instead of the default
    one: root units become children of its unit, and users made without a unit get their
    scoped roles there. Units and users made with an explicit parent or unit are unaffected."""
    global default_parent, default_organiser_id
    saved = default_parent, default_organiser_id
    default_parent, default_organiser_id = organiser.unit, organiser.id
    try:
        yield
    finally:
        default_parent, default_organiser_id = saved


def make_unit(name: str | None = None, *, kind: UnitKind = UnitKind.DEPARTMENT, parent: Unit | None = None,
              code: str | None = None) -> Unit:
    n = next(_seq)
    return create_unit(code=code or f"U{n}", name=name or f"Sở Thử nghiệm {n}", kind=kind,
                       parent=parent or default_parent)


def ensure_organiser(name: str = "UBND tỉnh Ninh Bình", code: str = "NB") -> Unit:
    """Deadlines and rounds belong to an organiser: the first unit of a deployment is its
    default one. Tests that set a deadline before any unit call this first; a world built
    afterwards takes the same unit as its province (same name and code)."""
    organiser = default_organiser()
    if organiser is None:
        return make_unit(name, kind=UnitKind.PROVINCE, code=code)
    return organiser.unit


def make_user(*roles: Role, unit: Unit | None = None, login: str | None = None, full_name: str | None = None,
              password: str = PASSWORD, **extra) -> User:
    n = next(_seq)
    roles = set(roles) or {Role.STAFF}
    if unit is None and roles & {Role.STAFF, Role.EVALUATOR}:
        unit = make_unit()
    if roles & SCOPED_ROLES and default_organiser() is None:
        # The first unit of a deployment becomes its default organiser.
        ensure_organiser("UBND tỉnh Thử nghiệm", code="TINH")
    if unit is None and default_organiser_id is not None:
        extra.setdefault("organiser_id", default_organiser_id)
    return create_user(
        login=login or f"user{n}",
        full_name=full_name or f"Nguyễn Văn Thử {n}",
        password=password,
        roles=roles,
        unit=unit,
        email=extra.pop("email", f"user{n}@example.vn"),
        position=extra.pop("position", "Chuyên viên"),
        **extra,
    )


COMPLETE_DOSSIER = dict(
    field=Field.POLITICAL_SYSTEM,
    kind=InitiativeKind.COLLECTIVE,
    situation="Người dân phải đi lại nhiều lần khi làm thủ tục hành chính.",
    goals="Giảm thời gian giải quyết hồ sơ, tăng sự hài lòng của người dân.",
    content_method="Tổ công tác hướng dẫn tận nhà, tiếp nhận hồ sơ trực tuyến.",
    area="Toàn tỉnh",
    target_group="Người dân, doanh nghiệp",
    lead_name="Lê Văn Trưởng",
    lead_position="Phó Giám đốc",
    lead_phone="0912 345 678",
    budget_state=50_000_000,
    budget_social=20_000_000,
    workdays=300,
    start_date=date(2026, 1, 15),
    is_ongoing=True,
    results_quantitative="98% hồ sơ đúng hạn; 1.200 lượt hướng dẫn.",
    results_qualitative="Người dân hài lòng, giảm phiền hà.",
    beneficiaries=1200,
    sustainability="Duy trì thường xuyên, có thể nhân rộng ra các xã.",
)


def make_initiative(unit: Unit | None = None, *, name: str | None = None, year: int = 2026,
                    status: Status = Status.DRAFT, created_by: User | None = None, members=(),
                    **fields) -> Initiative:
    n = next(_seq)
    unit = unit or make_unit()
    values = {**COMPLETE_DOSSIER, **fields}
    initiative = Initiative(unit=unit, year=year, status=status, created_by=created_by, **values)
    initiative.set_name(name or f"Mô hình Dân vận khéo số {n}")
    for order, (member_name, position) in enumerate(members):
        initiative.members.append(InitiativeMember(full_name=member_name, position=position, position_order=order))
    db.session.add(initiative)
    db.session.flush()
    initiative.refresh_search_text()
    db.session.flush()
    return initiative
