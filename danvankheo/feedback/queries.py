"""The people's voice as other features print it: the ranking export, the báo cáo thành tích,
the dashboard and the periodic report. Read from the tallies only, one query per call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import case, func, select

from ..core.formatting import format_number
from ..extensions import db
from ..registry.models import Initiative
from ..units.models import Unit
from .models import RATINGS, Survey, SurveyTally
from .services import Side, Summary, side_from_counts

_COLUMNS = (SurveyTally.responses, *[getattr(SurveyTally, f"rating_{r}") for r in RATINGS], SurveyTally.took_part,
            SurveyTally.rating_sum, SurveyTally.rating_sq_sum, SurveyTally.comments_pending)


def _side(values) -> Side:
    n, *ratings = values[:6]
    took_part, total, squares, pending = values[6:10]
    return side_from_counts(int(n or 0), {r: int(c or 0) for r, c in zip(RATINGS, ratings, strict=True)},
                            int(took_part or 0), int(total or 0), int(squares or 0), int(pending or 0))


def summaries_for(initiative_ids: Iterable[int]) -> dict[int, Summary]:
    """initiative id → its summary, for the models that have a survey."""
    ids = list(initiative_ids)
    if not ids:
        return {}
    sides: dict[int, dict[bool, Side]] = {}
    for chunk in range(0, len(ids), 5000):
        rows = db.session.execute(
            select(Survey.initiative_id, SurveyTally.is_verified, *_COLUMNS)
            .join(SurveyTally, SurveyTally.survey_id == Survey.id)
            .where(Survey.initiative_id.in_(ids[chunk:chunk + 5000])))
        for row in rows:
            sides.setdefault(row[0], {})[row[1]] = _side(row[2:])
    return {i: Summary(verified=s[True], open=s[False]) for i, s in sides.items() if True in s and False in s}


def voice_sentence(summary: Summary | None) -> str:
    """One sentence for printed documents: verified and open apart, the means, who took part."""
    if summary is None or not summary.responses:
        return "chưa có ý kiến Nhân dân qua phiếu khảo sát"
    parts = []
    for label, side in (("có mã phiếu (đã xác thực)", summary.verified), ("không có mã phiếu", summary.open)):
        if side.responses:
            parts.append(f"{format_number(side.responses)} ý kiến {label}, mức hài lòng trung bình "
                         f"{format_number(side.mean, 1)}/5")
        else:
            parts.append(f"0 ý kiến {label}")
    took = summary.verified.took_part + summary.open.took_part
    share = format_number(100 * took / summary.responses, 0)
    return "ý kiến Nhân dân: " + "; ".join(parts) + f"; {share}% người trả lời có tham gia hoặc hưởng lợi từ mô hình"


@dataclass(frozen=True)
class GroupLine:
    """Satisfaction of a group of models (a unit, an organiser), verified and open apart."""

    key: int
    name: str
    models: int
    verified: Side
    open: Side


@cache
def _side_sums(verified: bool) -> tuple:
    """The sums of one side's tallies, built once: they never change, and building the twenty
    expressions for each of a dashboard's three groupings showed in its profile."""
    return tuple(func.sum(case((SurveyTally.is_verified.is_(verified), column), else_=0)) for column in _COLUMNS)


def _grouped(group_column, name_column, where, *, joins=(), limit: int | None = None) -> list[GroupLine]:
    """One line per group of the models that have answers, most answers first: one grouped
    query over the surveys with answers, the order and the limit in SQL (a national year has
    70,000 surveys, most of them still without an answer)."""
    answers = func.sum(SurveyTally.responses)
    statement = (
        select(group_column, name_column, func.count(func.distinct(Survey.id)), *_side_sums(True), *_side_sums(False))
        .select_from(Survey).join(SurveyTally, SurveyTally.survey_id == Survey.id)
        .join(Initiative, Initiative.id == Survey.initiative_id)
    )
    for target, condition in joins:
        statement = statement.join(target, condition)
    statement = (statement.where(SurveyTally.responses > 0, *where)
                 .group_by(group_column, name_column).order_by(answers.desc(), name_column, group_column))
    if limit is not None:
        statement = statement.limit(limit)
    width = len(_COLUMNS)
    return [GroupLine(key, name, int(models), _side(values[:width]), _side(values[width:]))
            for key, name, models, *values in db.session.execute(statement)]


def by_unit(*where, limit: int | None = None) -> list[GroupLine]:
    return _grouped(Unit.id, Unit.name, where, joins=[(Unit, Unit.id == Initiative.unit_id)], limit=limit)


def by_model(*where, limit: int | None = None) -> list[GroupLine]:
    return _grouped(Initiative.id, Initiative.name, where, limit=limit)


def by_organiser(*where) -> list[GroupLine]:
    from ..organisers.models import Organiser

    organiser_unit = Unit.__table__.alias("organiser_unit")
    return _grouped(Organiser.id, organiser_unit.c.name, where, joins=[
        (Unit, Unit.id == Initiative.unit_id), (Organiser, Organiser.id == Unit.organiser_id),
        (organiser_unit, organiser_unit.c.id == Organiser.unit_id)])


@dataclass(frozen=True)
class VoiceReport:
    """Satisfaction per organiser, unit and model for a dashboard or a periodic report."""

    organisers: list[GroupLine]
    units: list[GroupLine]
    models: list[GroupLine]

    @property
    def empty(self) -> bool:
        return not self.organisers


def voice_report(years: Iterable[int], scope, *, limit: int = 20) -> VoiceReport:
    """`scope`: a clause on Initiative (the models the reader may see)."""
    where = (Initiative.year.in_(list(years)), scope)
    organisers = by_organiser(*where)
    if not organisers:  # an empty report (`empty`) shows no unit or model lines: skip their queries
        return VoiceReport([], [], [])
    return VoiceReport(organisers, by_unit(*where, limit=limit), by_model(*where, limit=limit))


@dataclass(frozen=True)
class OverviewLine:
    initiative_id: int
    name: str
    unit_name: str
    verified: int
    open: int
    mean: float | None
    comments_pending: int
    busy_addresses: int  # addresses with many answers within the last day


def overview(organiser_id: int, *, now, limit: int = 300) -> list[OverviewLine]:
    """The secretariat's list: every survey of its organiser's models, the ones waiting for a
    review (comments, busy addresses) first. Counts from the tallies; the only scan of
    responses is over the last day's, grouped by address."""
    from datetime import timedelta

    from flask import current_app

    from ..registry.permissions import units_of_organisers
    from .models import ResponseState, SurveyResponse

    least = current_app.config["FEEDBACK_BURST_RESPONSES"]
    busy_rows = db.session.execute(
        select(SurveyResponse.survey_id, SurveyResponse.address_hash)
        .where(SurveyResponse.created_at >= now - timedelta(days=1), SurveyResponse.state == ResponseState.COUNTED,
               SurveyResponse.address_hash.is_not(None))
        .group_by(SurveyResponse.survey_id, SurveyResponse.address_hash)
        .having(func.count() >= least))
    busy: dict[int, int] = {}
    for survey_id, _address in busy_rows:
        busy[survey_id] = busy.get(survey_id, 0) + 1
    rows = db.session.execute(
        select(Survey.id, Initiative.id, Initiative.name, Unit.name, SurveyTally.is_verified, SurveyTally.responses,
               SurveyTally.rating_sum, SurveyTally.comments_pending)
        .join(SurveyTally, SurveyTally.survey_id == Survey.id)
        .join(Initiative, Initiative.id == Survey.initiative_id).join(Unit, Unit.id == Initiative.unit_id)
        .where(Initiative.unit_id.in_(units_of_organisers({organiser_id}))))
    found: dict[int, dict] = {}
    for survey_id, initiative_id, name, unit_name, verified, n, total, pending in rows:
        entry = found.setdefault(survey_id, {"initiative_id": initiative_id, "name": name, "unit": unit_name,
                                             True: 0, False: 0, "sum": 0, "pending": 0})
        entry[verified] = n
        entry["sum"] += total
        entry["pending"] += pending
    lines = [OverviewLine(e["initiative_id"], e["name"], e["unit"], e[True], e[False],
                          e["sum"] / (e[True] + e[False]) if e[True] + e[False] else None, e["pending"],
                          busy.get(survey_id, 0)) for survey_id, e in found.items()]
    lines.sort(key=lambda line: (-line.busy_addresses, -line.comments_pending, -(line.verified + line.open),
                                 line.name))
    return lines[:limit]
