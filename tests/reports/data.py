"""A small province with known figures, built through the registry's own workflow.

Shared by the report tests and the browser test of the dashboard."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.evidence.services import attach
from danvankheo.extensions import db
from danvankheo.registry.models import Field, Initiative, Status
from danvankheo.registry.workflow import transition
from danvankheo.scoring.models import Grade, Round, RoundState
from danvankheo.scoring.snapshots import RankingSnapshot, RankingSnapshotRow
from danvankheo.units.models import Unit, UnitKind
from tests import factories
from tests.evidence.samples import pdf_bytes


def add_evidence(model: Initiative) -> None:
    """One small, unique PDF through the real upload service (submitting needs evidence)."""
    attach(model, io.BytesIO(pdf_bytes(text=f"Minh chứng {model.name}")), f"Báo cáo {model.name}.pdf", actor=None)


def at(year: int, month: int, day: int, hour: int = 3) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@dataclass
class Province:
    units: dict[str, Unit] = field(default_factory=dict)
    staff: dict[str, User] = field(default_factory=dict)
    models: dict[str, Initiative] = field(default_factory=dict)
    secretariat: User | None = None
    round: Round | None = None


def register(p: Province, key: str, unit: str, *, year: int, field_: Field | None, created: datetime,
             submitted: datetime | None = None, returned: datetime | None = None,
             accepted: datetime | None = None, **links) -> Initiative:
    """A model created on `created`, then moved through the workflow on the given dates."""
    staff = p.staff[unit]
    model = factories.make_initiative(p.units[unit], year=year, name=f"Mô hình {key}", created_by=staff,
                                      field=field_, **links)
    model.created_at = created
    if submitted:
        add_evidence(model)
        transition(model, Status.SUBMITTED, staff, now=submitted)
    if returned:
        transition(model, Status.RETURNED, p.secretariat, reason="Bổ sung số liệu", now=returned)
    if accepted:
        transition(model, Status.ACCEPTED, p.secretariat, now=accepted)
    p.models[key] = model
    return model


def finalise(p: Province, year: int, name: str, grades: dict[str, str | None], *, finalised: datetime) -> Round:
    """A finalised round whose published ranking gives these models these grades."""
    round_ = Round(year=year, name=name, state=RoundState.FINALISED, finalised_at=finalised)
    db.session.add(round_)
    db.session.flush()
    snapshot = RankingSnapshot(round_id=round_.id, settings={"min_scorecards": 3})
    db.session.add(snapshot)
    db.session.flush()
    rank = 0
    for position, (key, grade) in enumerate(grades.items(), 1):
        model = p.models[key]
        rank += 1 if grade else 0
        db.session.add(RankingSnapshotRow(
            snapshot_id=snapshot.id, initiative_id=model.id, position=position,
            rank=rank if grade else None, name=model.name, unit_id=model.unit_id,
            unit_name=model.unit.name, unit_kind=model.unit.kind,
            field=model.field,
            total=Decimal(95 - 10 * position) if grade else Decimal(50), spread=Decimal(5),
            criterion_means={}, grade=Grade(grade) if grade else None, flags=[], is_complete=bool(grade),
            submitted_count=3 if grade else 1, assigned_count=3,
        ))
    db.session.flush()
    return round_


def build_province() -> Province:
    """Five units in scope (departments and communes), one out of scope, models in 2025-2026.

    2026, as the secretariat and observers see it (drafts are not counted):
    D1: m1 economy accepted (continues m0), m2 culture submitted
    D2: m3 economy returned, m4 draft (invisible outside D2)
    C1: m5 political system accepted, replicates m1
    P1 (public service, out of scope): m6 defence submitted
    C2: nothing. D3: m7 culture, registered in August and accepted in September.
    2025: D1: m0 accepted.
    The 2026 round, finalised on 1 November: m1 Xuất sắc, m5 Tốt, m7 without enough scorecards.
    """
    p = Province()
    p.secretariat = factories.make_user(Role.SECRETARIAT, full_name="Trần Thị Thu Hà")
    for key, name, kind in [
        ("D1", "Sở Tư pháp", UnitKind.DEPARTMENT),
        ("D2", "Sở Y tế", UnitKind.DEPARTMENT),
        ("D3", "Sở Nội vụ", UnitKind.DEPARTMENT),
        ("C1", "UBND phường Hoa Lư", UnitKind.COMMUNE),
        ("C2", "UBND xã Gia Viễn", UnitKind.COMMUNE),
        ("P1", "Bệnh viện Đa khoa tỉnh", UnitKind.PUBLIC_SERVICE),
    ]:
        p.units[key] = factories.make_unit(name, kind=kind)
        p.staff[key] = factories.make_user(Role.STAFF, unit=p.units[key])
    register(p, "m0", "D1", year=2025, field_=Field.ECONOMY, created=at(2025, 3, 1),
             submitted=at(2025, 4, 1), accepted=at(2025, 5, 1))
    register(p, "m1", "D1", year=2026, field_=Field.ECONOMY, created=at(2026, 2, 1),
             submitted=at(2026, 3, 1), accepted=at(2026, 4, 1), continues=p.models["m0"])
    register(p, "m2", "D1", year=2026, field_=Field.CULTURE_SOCIETY, created=at(2026, 2, 10),
             submitted=at(2026, 5, 1))
    register(p, "m3", "D2", year=2026, field_=Field.ECONOMY, created=at(2026, 3, 1),
             submitted=at(2026, 3, 15), returned=at(2026, 3, 20))
    register(p, "m4", "D2", year=2026, field_=Field.DEFENCE_SECURITY, created=at(2026, 6, 1))
    register(p, "m5", "C1", year=2026, field_=Field.POLITICAL_SYSTEM, created=at(2026, 1, 20),
             submitted=at(2026, 2, 1), accepted=at(2026, 6, 20), replicates=p.models["m1"])
    register(p, "m6", "P1", year=2026, field_=Field.DEFENCE_SECURITY, created=at(2026, 4, 1),
             submitted=at(2026, 4, 2))
    register(p, "m7", "D3", year=2026, field_=Field.CULTURE_SOCIETY, created=at(2026, 8, 1),
             submitted=at(2026, 8, 5), accepted=at(2026, 9, 1))
    p.round = finalise(p, 2026, "Đợt đánh giá năm 2026", {"m1": "excellent", "m5": "good", "m7": None}, finalised=at(2026, 11, 1))
    db.session.commit()
    return p
