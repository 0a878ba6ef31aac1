"""A finalised round built through the scoring services, for the awards and export tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from danvankheo.auth.models import User
from danvankheo.awards.catalogue import seed_default_award_forms
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.organisers.models import OrganiserLevel
from danvankheo.organisers.services import default_organiser
from danvankheo.registry.models import Initiative, Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Round
from danvankheo.units.models import Unit, UnitKind
from tests.factories import make_initiative, make_unit, make_user

INJECTION_NAME = '=HYPERLINK("http://x","bấm vào đây")'

# Scores per criterion TC1..TC5 (max 20, 30, 20, 10, 20).
EXCELLENT = ["19", "28.5", "19", "9", "19"]  # 94,5: Xuất sắc
EXCELLENT_LOW = ["18", "27", "18", "9", "19"]  # 91: Xuất sắc
GOOD = ["16", "24", "16", "8", "16"]  # 80: Tốt


@dataclass
class FinalisedRound:
    round: Round
    secretariat: User
    units: dict[str, Unit] = field(default_factory=dict)
    models: dict[str, Initiative] = field(default_factory=dict)
    evaluators: list[User] = field(default_factory=list)
    staff: dict[str, User] = field(default_factory=dict)


def build_finalised_round(*, secretariat: User | None = None) -> FinalisedRound:
    """Three models: two graded Xuất sắc (one named like a formula), one Tốt."""
    seed_default_award_forms()
    justice = make_unit("Sở Tư pháp", code="STP")
    health = make_unit("Sở Y tế", code="SYT")
    commune = make_unit("UBND xã Gia Viễn", code="XGV", kind=UnitKind.COMMUNE)
    council = make_unit("Ban Dân vận Tỉnh ủy", code="BDV", kind=UnitKind.OTHER)
    # The deployment's default organiser (its first unit) awards at province level: its
    # proposals offer the province's forms (Bằng khen của Chủ tịch UBND tỉnh).
    default_organiser().level = OrganiserLevel.PROVINCE
    models = {
        "justice": make_initiative(
            justice, name="Tư pháp gần dân, vì dân", status=Status.ACCEPTED,
            members=[("Nguyễn Thị Hằng", "Phó Giám đốc Sở"), ("Lê Văn Đạt", "Trưởng phòng Phổ biến pháp luật")],
            results_quantitative="Trợ giúp pháp lý cho 1.250 lượt người dân.",
            results_qualitative="Người dân hài lòng; giảm đơn thư vượt cấp.",
        ),
        "injection": make_initiative(
            health, name=INJECTION_NAME, status=Status.ACCEPTED,
            members=[("Phạm Thị Lan", "Điều dưỡng trưởng")],
        ),
        "commune": make_initiative(commune, name="Dân vận ở thôn bản", status=Status.ACCEPTED),
    }
    secretariat = secretariat or make_user(Role.SECRETARIAT, unit=council, full_name="Trần Thị Thu Hà")
    evaluator = make_user(Role.EVALUATOR, unit=council, full_name="Hoàng Văn Bình")
    staff = {
        "justice": make_user(Role.STAFF, unit=justice, full_name="Lê Minh Đức"),
        "commune": make_user(Role.STAFF, unit=commune, full_name="Đinh Công Tráng"),
    }
    round_ = rounds.create_round(
        rounds.RoundSettings(name="Đợt đánh giá mô hình năm 2026", year=2026, min_scorecards=1),
        by=secretariat,
    )
    assignments.set_panel(round_, [evaluator])
    for initiative in models.values():
        assignments.assign(round_, initiative, evaluator, by=secretariat, notify_evaluator=False)
    rounds.start_scoring(round_, by=secretariat)
    criteria = list(round_.criteria)
    for key, marks in (("justice", EXCELLENT), ("injection", EXCELLENT_LOW), ("commune", GOOD)):
        values = {c.id: Decimal(v) for c, v in zip(criteria, marks, strict=True)}
        scorecards.save_scorecard(round_, models[key], evaluator, values, comment=f"Nhận xét {key}", submit=True)
    rounds.close_scoring(round_, by=secretariat)
    rounds.finalise(round_, by=secretariat)
    db.session.flush()
    return FinalisedRound(round_, secretariat, {"justice": justice, "health": health, "commune": commune,
                                                "council": council}, models, [evaluator], staff)
