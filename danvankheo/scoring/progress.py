"""Progress of a round (tiến độ chấm): per panel member and per model, read from the standing
the scoring services keep (see `standings`), and the recusals awaiting reassignment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select

from ..auth.models import User
from ..core.paging import SortKey
from ..core.text import search_terms
from ..extensions import db
from ..registry.models import Initiative
from ..units.models import Unit
from .models import Assignment, AssignmentStatus, PanelMember, Round, RoundEntry


@dataclass
class EvaluatorProgress:
    user_id: int
    full_name: str
    unit_name: str
    assigned: int
    submitted: int
    drafts: int
    recused: int

    @property
    def remaining(self) -> int:
        return self.assigned - self.submitted


def evaluator_progress_select(round_: Round) -> Select:
    """Per panel member, the maintained progress (see `standings`): a SELECT without order, to
    page by `PANEL_ORDER`."""
    return (
        select(User.id.label("user_id"), User.full_name.label("full_name"),
               func.coalesce(Unit.name, "").label("unit_name"), PanelMember.assigned_count.label("assigned"),
               PanelMember.submitted_count.label("submitted"), PanelMember.draft_count.label("drafts"),
               PanelMember.recused_count.label("recused"), User.sort_name.label("user_sort"))
        .select_from(PanelMember)
        .join(User, PanelMember.user_id == User.id)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .where(PanelMember.round_id == round_.id)
    )


PANEL_ORDER = (SortKey(User.sort_name, attribute="user_sort"), SortKey(User.id, attribute="user_id"))


def evaluator_progress(round_: Round) -> list[EvaluatorProgress]:
    """Per panel member: models assigned, scorecards submitted and in draft, recusals (one
    query over the members' maintained progress, see `standings`)."""
    rows = db.session.execute(evaluator_progress_select(round_).order_by(*(k.ordering for k in PANEL_ORDER)))
    return [EvaluatorProgress(*row[:7]) for row in rows]


MODEL_ORDER = (SortKey(Unit.sort_name, attribute="unit_sort"), SortKey(Initiative.sort_name, attribute="name_sort"),
               SortKey(Initiative.id))


def model_progress_select(round_: Round, *, behind_only: bool = False, q: str | None = None) -> Select:
    """Per model: scorecards submitted of evaluators assigned, recusals (the models' maintained
    standing); a SELECT without order, to page by `MODEL_ORDER`."""
    query = (
        select(Initiative.id, Initiative.name, Unit.name.label("unit_name"),
               RoundEntry.assigned_count.label("assigned"), RoundEntry.submitted_count.label("submitted"),
               RoundEntry.recused_count.label("recused"), Unit.sort_name.label("unit_sort"),
               Initiative.sort_name.label("name_sort"))
        .select_from(RoundEntry)
        .join(Initiative, RoundEntry.initiative_id == Initiative.id)
        .join(Unit, Initiative.unit_id == Unit.id)
        .where(RoundEntry.round_id == round_.id)
    )
    if q:
        for word in search_terms(q):
            query = query.where(Initiative.search_text.contains(word))
    if behind_only:
        query = query.where(or_(RoundEntry.submitted_count < RoundEntry.assigned_count,
                                RoundEntry.assigned_count < round_.min_scorecards))
    return query


def recusals(round_: Round) -> list[tuple[Assignment, str, str, str, int]]:
    """Recused assignments with the model's name, unit and current number of active evaluators."""
    rows = db.session.execute(
        select(Assignment, User.full_name, Initiative.name, Unit.name, RoundEntry.assigned_count)
        .join(User, Assignment.evaluator_id == User.id)
        .join(Initiative, Assignment.initiative_id == Initiative.id)
        .join(Unit, Initiative.unit_id == Unit.id)
        .join(RoundEntry, and_(RoundEntry.round_id == Assignment.round_id,
                               RoundEntry.initiative_id == Assignment.initiative_id))
        .where(Assignment.round_id == round_.id, Assignment.status == AssignmentStatus.RECUSED)
        .order_by(Assignment.recused_at.desc())
    ).all()
    return [tuple(row) for row in rows]
