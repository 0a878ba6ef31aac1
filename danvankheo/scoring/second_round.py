"""Where a model already stands before it is added to a round (đánh giá lại).

A model that was ranked in a finalised round, is proposed for a commendation, or sits in
another round already must not slip into a second round unnoticed: the secretariat is
shown where it stands and gives a reason, which is recorded. (Công văn 5007/BNV-TĐKT: one
achievement, one award.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..extensions import db
from ..registry.models import Initiative
from .models import Round, RoundEntry, RoundState
from .snapshots import RankingSnapshot, RankingSnapshotRow


@dataclass(frozen=True)
class Standing:
    """One place where a model already stands, in words a secretary reads."""

    round_id: int
    round_name: str
    text: str  # "xếp hạng 2, Xuất sắc, 92,5 điểm", "đang chấm", "trong hồ sơ đề nghị …"
    needs_reason: bool  # ranked in a published round, or proposed: re-evaluation needs a reason


def _proposal_lines():
    # Awards build on scoring; this module reads their lines only to warn, never to write.
    from ..awards.models import Proposal, ProposalLine

    return Proposal, ProposalLine


def elsewhere_clause(round_: Round):
    """SQL condition: the model (`Initiative.id`) was ranked in another, published round of the
    same organiser or is in one of its proposals. (Sitting in another round still being prepared
    or scored is shown, not asked.) A lower level's round and award are another competition:
    a model it proposed up and this organiser accepted comes in without a second reason."""
    Proposal, ProposalLine = _proposal_lines()
    ranked = (
        select(RoundEntry.id)
        .join(Round, Round.id == RoundEntry.round_id)
        .where(RoundEntry.initiative_id == Initiative.id, RoundEntry.round_id != round_.id,
               Round.state == RoundState.FINALISED, Round.organiser_id == round_.organiser_id)
        .exists()
    )
    proposed = (
        select(ProposalLine.id)
        .join(Proposal, Proposal.id == ProposalLine.proposal_id)
        .join(Round, Round.id == Proposal.round_id)
        .where(ProposalLine.initiative_id == Initiative.id, Round.organiser_id == round_.organiser_id)
        .exists()
    )
    return or_(ranked, proposed)


def standings_elsewhere(round_: Round, initiative_ids: Iterable[int]) -> dict[int, list[Standing]]:
    """For each given model that stands somewhere else, where (other rounds, proposals)."""
    from ..core.formatting import format_score

    ids = sorted(set(initiative_ids))
    if not ids:
        return {}
    found: dict[int, list[Standing]] = {}
    latest = (
        select(RankingSnapshot.round_id, func.max(RankingSnapshot.id).label("snapshot_id"))
        .group_by(RankingSnapshot.round_id)
        .subquery()
    )
    entries = db.session.execute(
        select(RoundEntry.initiative_id, Round, RankingSnapshotRow)
        .join(Round, Round.id == RoundEntry.round_id)
        .outerjoin(latest, latest.c.round_id == Round.id)
        .outerjoin(
            RankingSnapshotRow,
            (RankingSnapshotRow.snapshot_id == latest.c.snapshot_id)
            & (RankingSnapshotRow.initiative_id == RoundEntry.initiative_id),
        )
        .where(RoundEntry.initiative_id.in_(ids), RoundEntry.round_id != round_.id)
        .order_by(Round.year, Round.id)
    ).all()
    for initiative_id, other, row in entries:
        if other.state is RoundState.FINALISED and row is not None:
            parts = [f"xếp hạng {row.rank}" if row.rank else "không xếp hạng"]
            if row.grade:
                parts.append(row.grade.label)
            if row.total is not None:
                parts.append(f"{format_score(row.total)} điểm")
            text = "đã công bố kết quả: " + ", ".join(parts)
        else:
            text = f"đang trong đợt ({other.state.label.lower()})"
        found.setdefault(initiative_id, []).append(
            Standing(other.id, other.name, text, needs_reason=other.state is RoundState.FINALISED
                     and other.organiser_id == round_.organiser_id))
    Proposal, ProposalLine = _proposal_lines()
    lines = db.session.execute(
        select(ProposalLine.initiative_id, Proposal, Round)
        .join(Proposal, Proposal.id == ProposalLine.proposal_id)
        .join(Round, Round.id == Proposal.round_id)
        .where(ProposalLine.initiative_id.in_(ids))
        .order_by(Proposal.id)
    ).all()
    seen = set()
    for initiative_id, proposal, other in lines:
        if (initiative_id, proposal.id) in seen:  # one line per member of an individual model
            continue
        seen.add((initiative_id, proposal.id))
        found.setdefault(initiative_id, []).append(
            Standing(other.id, other.name,
                     f"được đề nghị khen thưởng trong “{proposal.title}” ({proposal.state.label.lower()})",
                     needs_reason=other.organiser_id == round_.organiser_id)
        )
    return found


def needing_reason(standings: dict[int, list[Standing]]) -> dict[int, list[Standing]]:
    """The models among `standings` whose re-evaluation needs a reason."""
    return {i: places for i, places in standings.items() if any(s.needs_reason for s in places)}




def describe(standings: list[Standing]) -> str:
    """One line for the audit trail: "Đợt 1 năm 2026: đã công bố kết quả: xếp hạng 2; …"."""
    return "; ".join(f"{s.round_name}: {s.text}" for s in standings)
