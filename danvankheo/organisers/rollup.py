"""Tổng hợp cấp dưới: one line per organiser nested directly below an organiser (each commune
under the province), with that organiser's year: models, compliance, published rounds,
awards granted and proposals sent up.

A line covers the child's whole subtree (a commune with organisers of its own below it
counts theirs too). The page costs a fixed number of queries whatever the number of
communes: each figure is one query grouped by organiser, folded onto the children here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..registry.compliance_summary import compliance_summary_of
from ..registry.models import SUBMITTED_STATUSES, InitiativeTally, Status
from ..scoring.models import Round, RoundState
from ..units.models import Unit
from .models import Nomination, NominationState, Organiser


@dataclass
class ChildLine:
    organiser: Organiser
    registered: int = 0  # every model of the year, drafts included
    submitted: int = 0  # submitted and not withdrawn (đã nộp, trả lại, tiếp nhận, không tiếp nhận)
    accepted: int = 0
    units_required: int = 0  # units that must register this year
    units_registered: int = 0  # of those, units with a model that counts as submitted
    rounds: list[tuple[int, str]] = field(default_factory=list)  # finalised rounds (id, name)
    awards: int = 0  # lines of approved proposals, revoked ones left out
    nominations: dict[NominationState, int] = field(default_factory=dict)  # sent up, by state

    @property
    def units_missing(self) -> int:
        return self.units_required - self.units_registered

    @property
    def nominations_sent(self) -> int:
        return sum(self.nominations.values())

    @property
    def nominations_by_state(self) -> list[tuple[str, int]]:
        return [(state.label, self.nominations[state]) for state in NominationState if self.nominations.get(state)]


@dataclass
class Rollup:
    organiser: Organiser
    year: int
    lines: list[ChildLine]

    def total(self, name: str) -> int:
        return sum(getattr(line, name) for line in self.lines)

    @property
    def rounds_total(self) -> int:
        return sum(len(line.rounds) for line in self.lines)


def _tree() -> tuple[dict[int, Organiser], dict[int | None, list[int]]]:
    organisers = {o.id: o for o in db.session.scalars(select(Organiser))}
    children: dict[int | None, list[int]] = {}
    for o in organisers.values():
        children.setdefault(o.parent_id, []).append(o.id)
    return organisers, children


def build_rollup(organiser: Organiser, year: int) -> Rollup:
    organisers, children = _tree()
    child_ids = sorted(children.get(organiser.id, []), key=lambda i: organisers[i].unit.sort_name)
    # Every organiser below a child counts for that child.
    line_of: dict[int, int] = {}
    for child_id in child_ids:
        todo = [child_id]
        while todo:
            current = todo.pop()
            if current in line_of:
                continue
            line_of[current] = child_id
            todo.extend(children.get(current, []))
    lines = {child_id: ChildLine(organisers[child_id]) for child_id in child_ids}
    if not lines:
        return Rollup(organiser, year, [])
    below = list(line_of)

    for org_id, status, total in db.session.execute(
        select(Unit.organiser_id, InitiativeTally.status, func.sum(InitiativeTally.count))
        .join(Unit, Unit.id == InitiativeTally.unit_id)
        .where(InitiativeTally.year == year, Unit.organiser_id.in_(below))
        .group_by(Unit.organiser_id, InitiativeTally.status)
    ):
        line, n = lines[line_of[org_id]], int(total)
        line.registered += n
        if status in SUBMITTED_STATUSES:
            line.submitted += n
        if status is Status.ACCEPTED:
            line.accepted += n

    for org_id, (required, registered) in compliance_summary_of(year, below, behind_limit=0).by_organiser.items():
        line = lines[line_of[org_id]]
        line.units_required += required
        line.units_registered += registered

    for round_id, name, org_id in db.session.execute(
        select(Round.id, Round.name, Round.organiser_id)
        .where(Round.year == year, Round.state == RoundState.FINALISED, Round.organiser_id.in_(below))
        .order_by(Round.finalised_at, Round.id)
    ):
        lines[line_of[org_id]].rounds.append((round_id, name))

    for org_id, n in _award_counts(year, below):
        lines[line_of[org_id]].awards += n

    for org_id, state, n in db.session.execute(
        select(Nomination.from_organiser_id, Nomination.state, func.count())
        .where(Nomination.year == year, Nomination.from_organiser_id.in_(below))
        .group_by(Nomination.from_organiser_id, Nomination.state)
    ):
        counts = lines[line_of[org_id]].nominations
        counts[state] = counts.get(state, 0) + n

    return Rollup(organiser, year, [lines[i] for i in child_ids])


def _award_counts(year: int, organiser_ids: list[int]):
    """(organiser, awards granted) for the year's rounds: lines of approved proposals, not revoked."""
    from ..awards.models import AwardRevocation, Proposal, ProposalLine, ProposalState

    return db.session.execute(
        select(Round.organiser_id, func.count(ProposalLine.id))
        .select_from(ProposalLine)
        .join(Proposal, Proposal.id == ProposalLine.proposal_id)
        .join(Round, Round.id == Proposal.round_id)
        .outerjoin(AwardRevocation, AwardRevocation.line_id == ProposalLine.id)
        .where(Proposal.state == ProposalState.APPROVED, AwardRevocation.id.is_(None),
               Round.year == year, Round.organiser_id.in_(organiser_ids))
        .group_by(Round.organiser_id)
    ).all()
