"""A small province with a round for the scoring tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative, Status
from danvankheo.scoring import assignments, rounds
from danvankheo.scoring.models import Round
from danvankheo.units.models import Unit
from tests.factories import make_initiative, make_unit, make_user


@dataclass
class Province:
    province: Unit
    justice: Unit  # Sở Tư pháp
    health: Unit  # Sở Y tế
    hospital: Unit  # under Sở Y tế
    commune: Unit
    models: dict[str, Initiative] = field(default_factory=dict)
    evaluators: dict[str, User] = field(default_factory=dict)
    secretariat: User | None = None
    round: Round | None = None


def build_province(*, min_scorecards: int = 2, blind: bool = True) -> Province:
    from danvankheo.units.models import UnitKind

    # The first unit is the deployment's default organiser: the province awards at its level.
    province = make_unit("UBND tỉnh Ninh Bình", code="NB", kind=UnitKind.PROVINCE)
    p = Province(
        province=province,
        justice=make_unit("Sở Tư pháp", code="STP", parent=province),
        health=make_unit("Sở Y tế", code="SYT", parent=province),
        hospital=None,  # type: ignore[arg-type]
        commune=None,  # type: ignore[arg-type]
    )
    p.hospital = make_unit("Bệnh viện Đa khoa tỉnh", code="BVDK", parent=p.health)

    p.commune = make_unit("UBND xã Gia Viễn", code="XGV", parent=province, kind=UnitKind.COMMUNE)
    p.models = {
        "justice": make_initiative(p.justice, name="Tư pháp gần dân", status=Status.ACCEPTED),
        "health": make_initiative(p.health, name="Khám bệnh lưu động", status=Status.ACCEPTED),
        "hospital": make_initiative(p.hospital, name="Bệnh viện thân thiện", status=Status.ACCEPTED),
        "commune": make_initiative(p.commune, name="Dân vận ở thôn bản", status=Status.ACCEPTED),
    }
    # Not eligible: a draft and an accepted model of another year.
    make_initiative(p.commune, name="Bản nháp", status=Status.DRAFT)
    make_initiative(p.commune, name="Năm trước", status=Status.ACCEPTED, year=2025)
    p.evaluators = {
        "justice": make_user(Role.EVALUATOR, unit=p.justice, full_name="Vũ Thị Ánh"),
        "health": make_user(Role.EVALUATOR, unit=p.health, full_name="Đỗ Quang Vinh"),
        "commune": make_user(Role.EVALUATOR, unit=p.commune, full_name="Hoàng Văn Bình"),
    }
    p.secretariat = make_user(Role.SECRETARIAT, unit=p.justice, full_name="Trần Thị Thu Hà")
    p.round = rounds.create_round(
        rounds.RoundSettings(name="Đợt 2026", year=2026, min_scorecards=min_scorecards, is_blind=blind),
        by=p.secretariat,
    )
    assignments.set_panel(p.round, list(p.evaluators.values()))
    db.session.flush()
    return p


def full_marks(round_: Round, minus: Decimal | int = 0) -> dict[int, str]:
    """Scores for every criterion: its maximum minus `minus` spread over the first criterion."""
    values = {c.id: str(c.max_score) for c in round_.criteria}
    first = round_.criteria[0]
    values[first.id] = str(first.max_score - Decimal(minus))
    return values


@pytest.fixture
def province(app) -> Province:
    p = build_province()
    db.session.commit()
    return p
