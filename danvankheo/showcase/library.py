"""What the library (thư viện mô hình) tells about each public model: counts, sorting, badges.

Only what has been published: grades and ranks from rounds whose results are published
(finalised), awards whose decision is issued and not revoked, and replications by other
accepted models.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import aliased

from ..core.paging import KeysetPage, SortKey, keyset_page
from ..extensions import db
from ..registry.models import Field, Initiative, Status
from ..registry.services import LIST_ORDER
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


def _best_totals():
    """Each scored model's best total in a published ranking."""
    return (
        select(RankingSnapshotRow.initiative_id.label("initiative_id"), func.max(RankingSnapshotRow.total).label("best"))
        .where(RankingSnapshotRow.id.in_(_published_rows().with_only_columns(RankingSnapshotRow.id)))
        .group_by(RankingSnapshotRow.initiative_id)
        .subquery()
    )


def _copies():
    """How many accepted models replicate each model that has any."""
    replica = aliased(Initiative)
    return (
        select(replica.replicates_id.label("initiative_id"), func.count(replica.id).label("copies"))
        .where(replica.replicates_id.is_not(None), replica.status == Status.ACCEPTED)
        .group_by(replica.replicates_id)
        .subquery()
    )


NEWEST = LIST_ORDER  # the registry's: newest year first, then by name, the id last


def sorted_query(query: Select, key: str) -> tuple[Select, tuple[SortKey, ...]]:
    """The library's query with what one of SORTS orders by, and that order's keys (ending in
    the id, for paging by key): "diem" puts models never scored last, whatever the database's
    rule for NULLs, "nhan-rong" counts a model never replicated as 0."""
    if key == "ten":
        return query, (SortKey(Initiative.sort_name), SortKey(Initiative.id))
    if key == "diem":
        best = _best_totals()
        query = query.outerjoin(best, best.c.initiative_id == Initiative.id)
        unscored = case((best.c.best.is_(None), 1), else_=0)
        return query, (SortKey(unscored, attribute="unscored"),
                       SortKey(func.coalesce(best.c.best, 0), descending=True, attribute="best_total"), *NEWEST)
    if key == "nhan-rong":
        copies = _copies()
        query = query.outerjoin(copies, copies.c.initiative_id == Initiative.id)
        return query, (SortKey(func.coalesce(copies.c.copies, 0), descending=True, attribute="copies"), *NEWEST)
    return query, NEWEST


def page_of(query: Select, key: str, *, per_page: int, after: str | None = None,
            before: str | None = None) -> KeysetPage:
    """The page of the library's `query` in the order of SORTS[key], paged by key; its items
    are the models."""
    query, keys = sorted_query(query, key)
    # Rows of (model, its keys): a sort by score or by copies reads keys the model does not hold.
    statement = query.add_columns(*(k.column.label(k.name) for k in keys))
    page = keyset_page(statement, keys, per_page=per_page, after=after, before=before, scalars=False)
    page.items = [row[0] for row in page.items]
    return page


def field_counts(query: Select) -> dict[Field | None, int]:
    """How many models of `query` (without its field filter) there are in each field: one pass
    over `query`'s rows (`ix_initiatives_status_field` for the whole library), not a second
    read of the table joined to the first."""
    subquery = query.with_only_columns(Initiative.field).order_by(None).subquery()
    return dict(db.session.execute(select(subquery.c.field, func.count()).group_by(subquery.c.field)).all())


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
