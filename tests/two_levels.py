"""Two organisers for the scope tests: the province (the default organiser, whose names on
paper come from config.py) and UBND xã Gia Viễn, made an organiser with names of its own.
Each has its own secretariat, council and accepted models of 2026."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from danvankheo.auth.models import User
from danvankheo.awards.catalogue import seed_default_award_forms
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.organisers.models import Organiser, OrganiserLevel
from danvankheo.organisers.services import default_organiser, make_organiser
from danvankheo.registry.models import Initiative, Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Round
from danvankheo.units.models import Unit, UnitKind
from tests.factories import make_initiative, make_unit, make_user

COMMUNE_NAMES = dict(
    secretariat_name="Văn phòng HĐND và UBND xã Gia Viễn",
    parent_body_name="UBND XÃ GIA VIỄN",
    issuing_body_name="VĂN PHÒNG HĐND VÀ UBND",
    number_suffix="VP",
    place_name="Gia Viễn",
    signer_title="Chủ tịch",
    signer_name="Phạm Văn Hùng",
    decision_body_name="UBND xã Gia Viễn",
    decision_number_suffix="UBND",
)
COMMUNE_FORM = "Giấy khen của Chủ tịch UBND xã"
PROVINCE_FORM = "Bằng khen của Chủ tịch UBND tỉnh"


@dataclass
class Level:
    organiser: Organiser
    secretariat: User
    evaluator: User
    units: dict[str, Unit] = field(default_factory=dict)
    models: dict[str, Initiative] = field(default_factory=dict)


@dataclass
class TwoLevels:
    province: Level
    commune: Level


def build_two_levels() -> TwoLevels:
    seed_default_award_forms()
    province_unit = make_unit("UBND tỉnh Ninh Bình", kind=UnitKind.PROVINCE, code="NB")
    justice = make_unit("Sở Tư pháp", code="STP", parent=province_unit)
    council = make_unit("Ban Dân vận Tỉnh ủy", code="BDV", kind=UnitKind.OTHER, parent=province_unit)
    commune_unit = make_unit("UBND xã Gia Viễn", code="XGV", kind=UnitKind.COMMUNE, parent=province_unit)
    culture = make_unit("Phòng Văn hóa - Xã hội", code="XGV-VHXH", parent=commune_unit)
    school = make_unit("Trường THCS Gia Viễn", code="XGV-THCS", parent=commune_unit)
    clinic = make_unit("Trạm Y tế xã", code="XGV-TYT", parent=commune_unit)
    commune_org = make_organiser(commune_unit, level=OrganiserLevel.COMMUNE, **COMMUNE_NAMES)
    province_org = default_organiser()
    assert province_org.unit_id == province_unit.id and province_org.level is OrganiserLevel.PROVINCE

    province = Level(
        organiser=province_org,
        secretariat=make_user(Role.SECRETARIAT, unit=council, login="thuky.tinh", full_name="Trần Thị Thu Hà"),
        evaluator=make_user(Role.EVALUATOR, unit=council, login="giamkhao.tinh", full_name="Hoàng Văn Bình"),
        units={"justice": justice, "council": council},
        models={"justice": make_initiative(justice, name="Tư pháp gần dân", status=Status.ACCEPTED)},
    )
    commune = Level(
        organiser=commune_org,
        secretariat=make_user(Role.SECRETARIAT, unit=clinic, login="thuky.giavien", full_name="Lê Thị Giang"),
        evaluator=make_user(Role.EVALUATOR, unit=clinic, login="giamkhao.giavien", full_name="Đinh Văn Khoa"),
        units={"culture": culture, "school": school, "clinic": clinic},
        models={
            "culture": make_initiative(culture, name="Dân vận ở thôn bản", status=Status.ACCEPTED,
                                       members=[("Vũ Thị Mai", "Trưởng phòng")]),
            "school": make_initiative(school, name="Trường học thân thiện với dân", status=Status.ACCEPTED),
        },
    )
    for level in (province, commune):
        assert level.secretariat.organisers_with(Role.SECRETARIAT) == [level.organiser.id]
        assert level.evaluator.organisers_with(Role.EVALUATOR) == [level.organiser.id]
    db.session.flush()
    return TwoLevels(province, commune)


SCORES = ["19", "28", "19", "9", "19"]  # 94: Xuất sắc on the default rubric


def run_round(level: Level, *, name: str) -> Round:
    """A round of the level's organiser, scored by its council and finalised."""
    round_ = rounds.create_round(rounds.RoundSettings(name=name, year=2026, min_scorecards=1),
                                 by=level.secretariat, organiser_id=level.organiser.id)
    assignments.set_panel(round_, [level.evaluator], by=level.secretariat)
    for initiative in level.models.values():
        assignments.assign(round_, initiative, level.evaluator, by=level.secretariat, notify_evaluator=False)
    rounds.start_scoring(round_, by=level.secretariat)
    criteria = list(round_.criteria)
    for initiative in level.models.values():
        values = {c.id: Decimal(v) for c, v in zip(criteria, SCORES, strict=True)}
        scorecards.save_scorecard(round_, initiative, level.evaluator, values, submit=True)
    rounds.close_scoring(round_, by=level.secretariat)
    rounds.finalise(round_, by=level.secretariat)
    db.session.flush()
    return round_
