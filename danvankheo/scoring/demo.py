"""Demo data: a 2026 round in scoring, with the demo evaluators on its panel.

Runs after the registry's demo data; with no accepted 2026 models it does nothing.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..auth.models import User
from ..extensions import db
from ..registry.models import Initiative, Status
from .models import Round
from .services import RoundSettings, auto_assign, create_round, set_panel, start_scoring

DEMO_ROUND_NAME = "Đánh giá mô hình “Dân vận khéo” năm 2026"
DEMO_EVALUATORS = ("giamkhao1", "giamkhao2", "giamkhao3")


def seed_scoring_demo(units: dict) -> bool:
    if db.session.scalar(select(func.count()).where(Round.year == 2026)):
        return False
    accepted = db.session.scalar(
        select(func.count()).where(Initiative.year == 2026, Initiative.status == Status.ACCEPTED)
    )
    evaluators = list(db.session.scalars(select(User).where(User.login.in_(DEMO_EVALUATORS))))
    if not accepted or not evaluators:
        return False
    round_ = create_round(RoundSettings(name=DEMO_ROUND_NAME, year=2026, min_scorecards=2))
    set_panel(round_, evaluators)
    # Everyone scores everything they may: conflicts of interest are left out by the service.
    auto_assign(round_, len(evaluators))
    start_scoring(round_)
    return True
