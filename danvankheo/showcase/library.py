"""What the library (thư viện mô hình) tells about each public model: counts, sorting, badges.

Only what has been published: grades and ranks from rounds whose results are published
(finalised), awards whose decision is issued and not revoked, and replications by other
accepted models.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..registry.models import Field, Initiative, Status
from ..scoring.models import Grade, Round, RoundState
from ..scoring.snapshots import RankingSnapshot, RankingSnapshotRow

# ?sap_xep=… → label. The first is the default.
SORTS = {
    "moi-nhat": "Mới nhất",
    "diem": "Điểm cao nhất",
    "nhan-rong": "Nhân rộng nhiều nhất",
    "ten": "Tên (A → Z)",
}


@dataclass
class Badges:
    grade: Grade | None = None
    grade_round: str = ""
    rank: int | None = None
    total: Decimal | None = None
    awards: list[str] = field(default_factory=list)
    replicated: int = 0

    @property
    def grade_label(self) -> str:
        return self.grade.label if self.grade else ""


def _published_rows():
    """The rows of each finalised round's latest ranking snapshot."""
    latest = (
        select(func.max(RankingSnapshot.id))
        .join(Round, Round.id == RankingSnapshot.round_id)
        .where(Round.state == RoundState.FINALISED)
        .group_by(RankingSnapshot.round_id)
    )
    return select(RankingSnapshotRow).where(RankingSnapshotRow.snapshot_id.in_(latest))


def sort(query: Select, key: str) -> Select:
    """Order the library's query by one of SORTS."""
    if key == "ten":
        return query.order_by(Initiative.sort_name, Initiative.id)
    if key == "diem":
        best = (
            select(func.max(RankingSnapshotRow.total))
            .where(RankingSnapshotRow.initiative_id == Initiative.id,
                   RankingSnapshotRow.id.in_(_published_rows().with_only_columns(RankingSnapshotRow.id)))
            .correlate(Initiative)
            .scalar_subquery()
        )
        # Models never scored go last, whatever the database's rule for NULLs.
        return query.order_by(best.is_(None), best.desc(), Initiative.year.desc(), Initiative.sort_name)
    if key == "nhan-rong":
        replica = aliased(Initiative)
        copies = (
            select(func.count(replica.id))
            .where(replica.replicates_id == Initiative.id, replica.status == Status.ACCEPTED)
            .correlate(Initiative)
            .scalar_subquery()
        )
        return query.order_by(copies.desc(), Initiative.year.desc(), Initiative.sort_name)
    return query.order_by(Initiative.year.desc(), Initiative.sort_name, Initiative.id)


def field_counts(query: Select) -> dict[Field | None, int]:
    """How many models of `query` (without its field filter) there are in each field."""
    subquery = query.with_only_columns(Initiative.id).order_by(None).subquery()
    return dict(
        db.session.execute(
            select(Initiative.field, func.count())
            .where(Initiative.id.in_(select(subquery.c.id)))
            .group_by(Initiative.field)
        ).all()
    )


def badges_for(initiative_ids: Iterable[int]) -> dict[int, Badges]:
    """The badges of each given model, in three queries whatever their number."""
    ids = sorted(set(initiative_ids))
    found = {i: Badges() for i in ids}
    if not ids:
        return found
    rows = db.session.execute(
        _published_rows()
        .where(RankingSnapshotRow.initiative_id.in_(ids))
        .join(RankingSnapshot, RankingSnapshot.id == RankingSnapshotRow.snapshot_id)
        .join(Round, Round.id == RankingSnapshot.round_id)
        .with_only_columns(RankingSnapshotRow, Round.name)
        .order_by(Round.finalised_at, Round.id)
    ).all()
    for row, round_name in rows:  # the latest published round wins
        badges = found[row.initiative_id]
        if row.grade is not None:
            badges.grade = row.grade
        badges.grade_round, badges.rank, badges.total = round_name, row.rank, row.total
    from ..awards.models import AwardForm, AwardRevocation, Proposal, ProposalLine, ProposalState

    awards = db.session.execute(
        select(ProposalLine.initiative_id, AwardForm.name)
        .join(Proposal, Proposal.id == ProposalLine.proposal_id)
        .join(AwardForm, AwardForm.id == ProposalLine.award_form_id)
        .outerjoin(AwardRevocation, AwardRevocation.line_id == ProposalLine.id)
        .where(ProposalLine.initiative_id.in_(ids), Proposal.state == ProposalState.APPROVED,
               AwardRevocation.id.is_(None))
        .order_by(Proposal.decision_date, ProposalLine.id)
    ).all()
    for initiative_id, name in awards:
        if name not in found[initiative_id].awards:
            found[initiative_id].awards.append(name)
    replicas = db.session.execute(
        select(Initiative.replicates_id, func.count())
        .where(Initiative.replicates_id.in_(ids), Initiative.status == Status.ACCEPTED)
        .group_by(Initiative.replicates_id)
    ).all()
    for initiative_id, count in replicas:
        found[initiative_id].replicated = count
    return found
