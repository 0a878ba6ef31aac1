"""The survey counts (`SurveyTally`) recounted from the counted responses: the check of
`flask check-summaries`, and its repair."""

from __future__ import annotations

from sqlalchemy import case, func, select, update

from ..extensions import db
from .models import CommentReview, ResponseState, SurveyResponse, SurveyTally

FIELDS = ("responses", "rating_1", "rating_2", "rating_3", "rating_4", "rating_5", "took_part", "rating_sum",
          "rating_sq_sum", "comments_pending")


def recount() -> dict[tuple[int, bool], tuple[int, ...]]:
    r = SurveyResponse
    return {
        (survey_id, bool(verified)): tuple(int(v or 0) for v in values)
        for survey_id, verified, *values in db.session.execute(
            select(
                r.survey_id, r.is_verified, func.count(),
                *(func.sum(case((r.rating == n, 1), else_=0)) for n in range(1, 6)),
                func.sum(case((r.took_part.is_(True), 1), else_=0)),
                func.sum(r.rating), func.sum(r.rating * r.rating),
                func.sum(case((r.comment_review == CommentReview.PENDING, 1), else_=0)),
            )
            .where(r.state == ResponseState.COUNTED)
            .group_by(r.survey_id, r.is_verified)
        )
    }


def stored() -> dict[tuple[int, bool], tuple[int, ...]]:
    return {
        (survey_id, bool(verified)): tuple(values)
        for survey_id, verified, *values in db.session.execute(
            select(SurveyTally.survey_id, SurveyTally.is_verified, *(getattr(SurveyTally, f) for f in FIELDS))
        )
    }


def mismatches() -> list[str]:
    have, want = stored(), recount()
    zero = (0,) * len(FIELDS)
    problems = []
    for key in sorted(set(have) | set(want)):
        if have.get(key, zero) != want.get(key, zero):
            survey_id, verified = key
            differ = ", ".join(f"{name} {a} != {b}" for name, a, b in zip(FIELDS, have.get(key, zero),
                                                                         want.get(key, zero), strict=True) if a != b)
            problems.append(f"phiếu khảo sát {survey_id} ({'có mã' if verified else 'không mã'}): {differ}")
    return problems


def rebuild() -> int:
    """Write the recount into the stored counts; returns how many rows were wrong."""
    db.session.flush()
    have, want = stored(), recount()
    zero = (0,) * len(FIELDS)
    wrong = [key for key in have if have[key] != want.get(key, zero)]
    for survey_id, verified in wrong:
        values = dict(zip(FIELDS, want.get((survey_id, verified), zero), strict=True))
        db.session.execute(
            update(SurveyTally).where(SurveyTally.survey_id == survey_id, SurveyTally.is_verified == verified)
            .values(**values).execution_options(synchronize_session=False)
        )
    return len(wrong)
