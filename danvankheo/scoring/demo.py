"""Demo data: a 2026 round in scoring, with the demo evaluators on its panel.

Runs after the registry's demo data; with no accepted 2026 models it does nothing.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from ..auth.models import User
from ..extensions import db
from ..registry.models import Initiative, Status
from .assignments import auto_assign, set_panel
from .models import Assignment, Round
from .rounds import RoundSettings, create_round, start_scoring
from .scorecards import save_scorecard

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
    # One evaluator has already submitted, so progress and the live ranking show something.
    first = next((e for e in evaluators if e.login == "giamkhao3"), None)
    if first is not None:
        assigned = db.session.scalars(
            select(Initiative).join(Assignment, Assignment.initiative_id == Initiative.id).where(
                Assignment.round_id == round_.id, Assignment.evaluator_id == first.id
            ).order_by(Initiative.id)
        )
        for offset, initiative in enumerate(assigned):
            values = {c.id: str(max(c.max_score - (offset % 4) - (c.position % 3), Decimal(0)))
                      for c in round_.criteria}
            save_scorecard(round_, initiative, first, values, submit=True,
                           comment="Mô hình có kết quả cụ thể; cần bổ sung số liệu người dân hài lòng.")
    return True
