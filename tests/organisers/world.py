"""A test world of two levels: the province (the default organiser) and two communes that run their own
competitions, with a commune round already published."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.organisers.models import Organiser, OrganiserLevel
from danvankheo.organisers.services import default_organiser, make_organiser
from danvankheo.registry.deadlines import default_deadline, set_year_settings
from danvankheo.registry.models import Initiative, Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Round
from danvankheo.units.models import Unit, UnitKind
from tests.factories import make_initiative, make_unit, make_user

GOOD = ["16", "24", "16", "8", "16"]  # 80 of 100: Tốt


@dataclass
class TwoLevels:
    province: Organiser
    gia_vien: Organiser  # commune A
    gia_hung: Organiser  # commune B
    units: dict[str, Unit] = field(default_factory=dict)
    models: dict[str, Initiative] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    commune_round: Round | None = None


def _finalise(round_: Round, secretariat: User, evaluator: User, models: list[Initiative]) -> None:
    assignments.set_panel(round_, [evaluator])
    for initiative in models:
        assignments.assign(round_, initiative, evaluator, by=secretariat, notify_evaluator=False)
    rounds.start_scoring(round_, by=secretariat)
    criteria = list(round_.criteria)
    for initiative in models:
        values = {c.id: Decimal(v) for c, v in zip(criteria, GOOD, strict=True)}
        scorecards.save_scorecard(round_, initiative, evaluator, values, comment="Mô hình tốt", submit=True)
    rounds.close_scoring(round_, by=secretariat)
    rounds.finalise(round_, by=secretariat)


def build_two_levels() -> TwoLevels:
    province_unit = make_unit("UBND tỉnh Ninh Bình", kind=UnitKind.PROVINCE, code="NB")
    units = {
        "justice": make_unit("Sở Tư pháp", code="STP", parent=province_unit),
        "council": make_unit("Ban Dân vận Tỉnh ủy", code="BDV", kind=UnitKind.OTHER, parent=province_unit),
        "gia_vien": make_unit("UBND xã Gia Viễn", code="XGV", kind=UnitKind.COMMUNE, parent=province_unit),
        "gia_hung": make_unit("UBND xã Gia Hưng", code="XGH", kind=UnitKind.COMMUNE, parent=province_unit),
    }
    units["culture"] = make_unit("Phòng Văn hóa - Xã hội", code="XGV-VH", kind=UnitKind.DIVISION,
                                 parent=units["gia_vien"])
    units["economy"] = make_unit("Phòng Kinh tế", code="XGV-KT", kind=UnitKind.DIVISION, parent=units["gia_vien"])
    units["clinic"] = make_unit("Trạm Y tế xã", code="XGV-YT", kind=UnitKind.PUBLIC_SERVICE, parent=units["gia_vien"])
    units["gia_hung_culture"] = make_unit("Phòng Văn hóa - Xã hội xã Gia Hưng", code="XGH-VH",
                                          kind=UnitKind.DIVISION, parent=units["gia_hung"])
    gia_vien = make_organiser(units["gia_vien"], level=OrganiserLevel.COMMUNE,
                              secretariat_name="Văn phòng HĐND và UBND xã Gia Viễn")
    gia_hung = make_organiser(units["gia_hung"], level=OrganiserLevel.COMMUNE,
                              secretariat_name="Văn phòng HĐND và UBND xã Gia Hưng")
    province = default_organiser()
    world = TwoLevels(province, gia_vien, gia_hung, units)

    def person(role: Role, unit: Unit, name: str, organiser: Organiser) -> User:
        user = make_user(role, unit=unit, full_name=name)
        user.set_roles({role}, organiser.id)
        return user

    world.users = {
        "province_secretariat": person(Role.SECRETARIAT, units["justice"], "Trần Thị Thu Hà", province),
        "province_observer": person(Role.OBSERVER, units["council"], "Phạm Văn Dân", province),
        "province_evaluator": person(Role.EVALUATOR, units["council"], "Lê Thị Chấm", province),
        "gia_vien_secretariat": person(Role.SECRETARIAT, units["gia_vien"], "Đinh Thị Xã", gia_vien),
        "gia_vien_evaluator": person(Role.EVALUATOR, units["economy"], "Hoàng Văn Bình", gia_vien),
        "gia_hung_secretariat": person(Role.SECRETARIAT, units["gia_hung"], "Vũ Văn Hưng", gia_hung),
    }
    world.models = {
        "culture": make_initiative(units["culture"], name="Dân vận khéo ở thôn bản", status=Status.ACCEPTED),
        "clinic": make_initiative(units["clinic"], name="Khám bệnh tại nhà cho người cao tuổi",
                                  status=Status.ACCEPTED),
        "economy_draft": make_initiative(units["economy"], name="Chợ phiên nông sản", status=Status.DRAFT),
        "culture_2025": make_initiative(units["culture"], name="Năm trước", status=Status.ACCEPTED, year=2025),
        "gia_hung": make_initiative(units["gia_hung"], name="Xã Gia Hưng nói đi đôi với làm",
                                    status=Status.SUBMITTED),
        "gia_hung_withdrawn": make_initiative(units["gia_hung_culture"], name="Mô hình đã rút",
                                              status=Status.WITHDRAWN),
        "justice": make_initiative(units["justice"], name="Tư pháp gần dân", status=Status.ACCEPTED),
    }
    # Gia Viễn asks its divisions and public-service units to register (the province's default
    # would ask only the commune itself).
    set_year_settings(2026, deadline_at=default_deadline(2026), kinds=[UnitKind.DIVISION, UnitKind.PUBLIC_SERVICE],
                      organiser_id=gia_vien.id)
    secretariat = world.users["gia_vien_secretariat"]
    world.commune_round = rounds.create_round(
        rounds.RoundSettings(name="Đợt đánh giá xã Gia Viễn năm 2026", year=2026, min_scorecards=1),
        by=secretariat, organiser_id=gia_vien.id,
    )
    _finalise(world.commune_round, secretariat, world.users["gia_vien_evaluator"],
              [world.models["culture"], world.models["clinic"]])
    db.session.flush()
    return world


