"""Demo data of the people's survey: every accepted model has its survey; two 2026 models
have answers, verified (with printed one-time codes) and open, reviewed comments, and one
burst of answers from one address that the secretariat's page flags.

Runs after the scoring demo (the 2026 round is in scoring, so the surveys are open); does
nothing once a survey has answers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ..auth.models import User
from ..core.types import utcnow
from ..extensions import db
from ..registry.models import Initiative, Status
from . import services
from .models import SurveyResponse

COMMENTS = (
    (5, "Cán bộ xã đến tận nhà hướng dẫn, bà con rất phấn khởi.", True),
    (4, "Mô hình thiết thực, mong được duy trì thường xuyên.", True),
    (3, "Thông báo lịch làm việc nên sớm hơn để bà con sắp xếp.", True),
    (2, "<b>Quảng cáo</b> bán hàng trực tuyến, liên hệ ngay!", False),
)


def seed_feedback_demo(units: dict) -> bool:
    if db.session.scalar(select(func.count()).select_from(SurveyResponse)):
        return False
    accepted = list(db.session.scalars(select(Initiative).where(Initiative.status == Status.ACCEPTED)
                                       .order_by(Initiative.year.desc(), Initiative.id)))
    if not accepted:
        return False
    surveys = {m.id: services.open_survey(m) for m in accepted}
    secretariat = db.session.scalar(select(User).where(User.login == "noivu"))
    now = utcnow()
    chosen = [m for m in accepted if m.year == 2026][:2]
    for index, model in enumerate(chosen):
        survey = surveys[model.id]
        if services.is_closed(survey, now):
            continue
        codes = services.generate_codes(survey, 30, secretariat)
        # A meeting with the people the model serves: verified answers, two days ago.
        meeting = now - timedelta(days=2)
        for n, code in enumerate(codes[:12 - 4 * index]):
            services.submit(survey, services.Answer(5 - n % 3, n % 4 != 3, code=code.code),
                            device=f"demo-meeting-{model.id}-{n:08d}", address=f"demo-meeting-{n}",
                            now=meeting + timedelta(minutes=n))
        # Open answers over the week, some with comments.
        for n in range(9):
            rating, comment, shown = COMMENTS[n % len(COMMENTS)] if n < len(COMMENTS) else (4 - n % 2, "", True)
            response = services.submit(
                survey, services.Answer(rating, n % 3 != 2, comment=comment),
                device=f"demo-open-{model.id}-{n:08d}", address=f"demo-open-{n}",
                now=now - timedelta(days=6 - n % 6, hours=n))
            if comment and n < 3 + index and secretariat is not None:
                services.review_comment(response, shown, "" if shown else "Quảng cáo, không liên quan",
                                        secretariat, now=now - timedelta(hours=1))
        if index == 0:
            # A burst: 14 answers of 5 in six minutes from one address, flagged for the secretariat.
            burst = now - timedelta(hours=3)
            for n in range(14):
                services.submit(survey, services.Answer(5, True), device=f"demo-burst-{n:08d}",
                                address="demo-burst-address", now=burst + timedelta(seconds=25 * n))
    db.session.flush()
    return True
