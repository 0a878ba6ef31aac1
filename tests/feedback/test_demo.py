"""The demo shows the survey: two accepted 2026 models with open surveys, verified and open
answers, reviewed comments and one flagged burst."""

from __future__ import annotations

from sqlalchemy import select

from danvankheo.demo import seed_demo
from danvankheo.extensions import db
from danvankheo.feedback import services
from danvankheo.feedback.models import ResponseState, Survey, SurveyResponse
from danvankheo.registry.models import Initiative


def test_demo_has_two_open_surveys_with_answers_and_a_burst(app):
    seed_demo()
    db.session.commit()
    answered = db.session.scalars(
        select(Survey).join(Initiative, Initiative.id == Survey.initiative_id)
        .where(Survey.id.in_(select(SurveyResponse.survey_id)))).all()
    assert len(answered) == 2
    bursts = 0
    for survey in answered:
        assert survey.initiative.year == 2026 and not services.is_closed(survey)
        summary = services.summary(survey)
        assert summary.verified.responses > 0 and summary.open.responses > 0
        responses = db.session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                                                    SurveyResponse.state == ResponseState.COUNTED)).all()
        bursts += len(services.find_bursts(list(responses)))
        assert services.shown_comments(survey)
    assert bursts == 1
    assert seed_demo() is False or db.session.scalar(select(SurveyResponse.id).limit(1))  # idempotent
