"""Twenty people post the same one-time code at the same instant (PostgreSQL only: SQLite
serialises writers and has no row locks): exactly one answer counts as verified, the others
are told the code was used, and the tallies equal a recount of the stored answers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select

from danvankheo.extensions import db
from danvankheo.feedback import services
from danvankheo.feedback.models import ResponseState, Survey, SurveyResponse, SurveyTally
from tests.scoring.conftest import build_province

pytestmark = pytest.mark.postgres_only
PARALLEL = 20


@pytest.fixture
def survey_with_code(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the concurrency test runs in the PostgreSQL pass")
    p = build_province()
    survey = services.open_survey(p.models["commune"])
    code = services.generate_codes(survey, 1, p.secretariat)[0]
    db.session.commit()
    # Twenty connections held at once: more than the app's default pool lends.
    default = db.engines[None]
    wide = create_engine(default.url.render_as_string(hide_password=False), pool_size=PARALLEL + 2, max_overflow=0)
    db.engines[None] = wide
    try:
        yield survey.id, code.code
    finally:
        db.session.remove()
        db.engines[None] = default
        wide.dispose()


def test_one_code_is_counted_once_under_parallel_posts(app, survey_with_code):
    survey_id, code = survey_with_code
    barrier = threading.Barrier(PARALLEL)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def post(n: int) -> None:
        try:
            with app.test_request_context():
                survey = db.session.get(Survey, survey_id)
                barrier.wait(timeout=30)
                try:
                    services.submit(survey, services.Answer(5, True, code=code), device=f"{n:032d}",
                                    address=f"192.0.2.{n}")
                    db.session.commit()
                    outcomes.append("counted")
                except services.FeedbackError as error:
                    db.session.rollback()
                    outcomes.append(str(error))
                db.session.remove()
        except BaseException as error:  # reported to the main thread
            errors.append(error)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert outcomes.count("counted") == 1
    assert all(o.startswith("Mã phiếu này đã được dùng.") for o in outcomes if o != "counted")
    db.session.expire_all()
    verified = db.session.get(SurveyTally, (survey_id, True))
    stored = db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.is_verified.is_(True),
        SurveyResponse.state == ResponseState.COUNTED))
    assert verified.responses == stored == 1


def test_parallel_open_answers_lose_no_count(app, survey_with_code):
    survey_id, _code = survey_with_code
    barrier = threading.Barrier(PARALLEL)
    errors: list[BaseException] = []

    def post(n: int) -> None:
        try:
            with app.test_request_context():
                survey = db.session.get(Survey, survey_id)
                barrier.wait(timeout=30)
                services.submit(survey, services.Answer(1 + n % 5, n % 2 == 0), device=f"{n:032d}",
                                address=f"192.0.2.{n}")
                db.session.commit()
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    db.session.expire_all()
    t = db.session.get(SurveyTally, (survey_id, False))
    assert (t.responses, t.took_part, t.rating_sum) == (PARALLEL, PARALLEL // 2, sum(1 + n % 5 for n in range(PARALLEL)))
    assert all(t.rating_counts()[r] == PARALLEL // 5 for r in range(1, 6))
