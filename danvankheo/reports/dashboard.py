"""The figures of the dashboard (bảng thống kê) for one year, as the viewer may see them.

Every count is restricted by the registry's own visibility rule (`visible_clause`), so a
number and the registry list it links to always agree, and by the organisers the viewer
reads (`organisers.access`): its secretariat counts the acting organiser's own scope, its
observers the acting organiser and every organiser nested below it. The number of queries does not
depend on the number of models or units: each figure is one grouped query, and the counts by
status, field, kind of unit and year read the counts the registry keeps per unit
(`registry.tallies`), not the models.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..organisers import access
from ..registry.compliance_summary import ComplianceSummary, compliance_summary_of
from ..registry.deadlines import ComplianceRow, ComplianceTotals
from ..registry.models import Field, Initiative, InitiativeTally, Status
from ..registry.permissions import counted_clause, visible_clause
from ..scoring.models import Grade, Round, RoundState
from ..scoring.snapshots import RankingSnapshot, RankingSnapshotRow
from ..units.models import Unit, UnitKind

# The order of the states on the dashboard, as a model moves through them.
STATUS_ORDER = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN]
# Units without a model listed on the dashboard; the compliance view lists them all.
BEHIND_SHOWN = 20
GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.FAIL]


@dataclass
class GradeCounts:
    """One finalised round's published grades."""

    round_id: int
    round_name: str
    counts: dict[Grade | None, int] = field(default_factory=dict)

    @property
    def graded(self) -> int:
        return sum(n for g, n in self.counts.items() if g is not None)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class ReplicatedModel:
    initiative: Initiative
    replications: int  # later models of other units that replicate it (nhân rộng)
    continuations: int  # later years' models that continue it

    @property
    def total(self) -> int:
        return self.replications + self.continuations


@dataclass
class Dashboard:
    year: int
    total: int
    by_status: dict[Status, int]
    by_field: dict[Field | None, int]
    by_unit_kind: dict[UnitKind, int]
    trend: list[tuple[int, int, int]]  # (year, models, accepted)
    grades: list[GradeCounts]
    compliance: ComplianceSummary
    replicated: list[ReplicatedModel]

    @property
    def accepted(self) -> int:
        return self.by_status.get(Status.ACCEPTED, 0)

    @property
    def compliance_totals(self) -> ComplianceTotals:
        return self.compliance.totals

    @property
    def units_required(self) -> int:
        return self.compliance.totals.units

    @property
    def units_with_models(self) -> int:
        """Units in scope with at least one submitted model (on time or late)."""
        return self.compliance.totals.met + self.compliance.totals.late

    @property
    def compliance_rate(self) -> float:
        units = self.units_required
        return self.units_with_models / units if units else 0.0

    @property
    def units_behind(self) -> list[ComplianceRow]:
        """The first units without a model (`BEHIND_SHOWN`); `behind_count` says how many in all."""
        return self.compliance.behind

    @property
    def behind_count(self) -> int:
        return self.compliance.behind_count

    @property
    def grade_totals(self) -> dict[Grade | None, int]:
        totals: dict[Grade | None, int] = {}
        for round_counts in self.grades:
            for grade, n in round_counts.counts.items():
                totals[grade] = totals.get(grade, 0) + n
        return totals


def scope_clause(user):
    """Models the viewer may see, of the units of the organisers it reads."""
    return and_(visible_clause(user), access.readable_units_clause(user, Initiative.unit_id))


def build_dashboard(user, year: int, *, replicated_limit: int = 10) -> Dashboard:
    organisers = access.readable_organisers_in_order(user)

    counted = counted_clause(user)  # `scope_clause` over the counts the registry keeps
    tally = InitiativeTally
    by_status: dict[Status, int] = {}
    by_field: dict[Field | None, int] = {}
    for status, field_, n in db.session.execute(
        select(tally.status, tally.field, func.sum(tally.count))
        .where(counted, tally.year == year)
        .group_by(tally.status, tally.field)
    ):
        key = Field(field_) if field_ else None
        by_status[status] = by_status.get(status, 0) + int(n)
        by_field[key] = by_field.get(key, 0) + int(n)

    by_unit_kind = {
        kind: int(n)
        for kind, n in db.session.execute(
            select(Unit.kind, func.sum(tally.count))
            .join(Unit, Unit.id == tally.unit_id)
            .where(counted, tally.year == year)
            .group_by(Unit.kind)
        )
    }

    accepted = func.sum(case((tally.status == Status.ACCEPTED, tally.count), else_=0))
    trend = [
        (y, int(n), int(a or 0))
        for y, n, a in db.session.execute(
            select(tally.year, func.sum(tally.count), accepted)
            .where(counted)
            .group_by(tally.year)
            .order_by(tally.year)
        )
    ]

    return Dashboard(
        year=year,
        total=sum(by_status.values()),
        by_status={s: by_status[s] for s in STATUS_ORDER if by_status.get(s)},
        by_field={f: by_field[f] for f in [*Field, None] if by_field.get(f)},
        by_unit_kind={k: by_unit_kind[k] for k in UnitKind if by_unit_kind.get(k)},
        trend=trend,
        grades=grade_counts(year, organisers),
        compliance=compliance_summary_of(year, organisers, behind_limit=BEHIND_SHOWN),
        replicated=most_replicated(user, limit=replicated_limit),
    )


def grade_counts(year: int, organiser_ids) -> list[GradeCounts]:
    """The grades published by the year's finalised rounds of these organisers (their latest
    snapshot)."""
    latest = (
        select(RankingSnapshot.round_id, func.max(RankingSnapshot.id).label("snapshot_id"))
        .join(Round, Round.id == RankingSnapshot.round_id)
        .where(Round.year == year, Round.state == RoundState.FINALISED, Round.organiser_id.in_(list(organiser_ids)))
        .group_by(RankingSnapshot.round_id)
        .subquery()
    )
    rounds: dict[int, GradeCounts] = {}
    for round_id, name, grade, n in db.session.execute(
        select(Round.id, Round.name, RankingSnapshotRow.grade, func.count())
        .join(latest, latest.c.snapshot_id == RankingSnapshotRow.snapshot_id)
        .join(Round, Round.id == latest.c.round_id)
        .group_by(Round.id, Round.name, RankingSnapshotRow.grade)
        .order_by(Round.id)
    ):
        counts = rounds.setdefault(round_id, GradeCounts(round_id, name))
        counts.counts[grade] = counts.counts.get(grade, 0) + n
    return list(rounds.values())


def most_replicated(user, *, limit: int = 10) -> list[ReplicatedModel]:
    """Models most often replicated by other units or continued in later years.

    Only links from models the viewer may see count, and only models the viewer may see
    are listed, so each count matches the list on the model's page.
    """
    visible = scope_clause(user)
    links = union_all(
        select(Initiative.replicates_id.label("target_id"), literal(1).label("rep"), literal(0).label("cont"))
        .where(visible, Initiative.replicates_id.is_not(None)),
        select(Initiative.continues_id.label("target_id"), literal(0).label("rep"), literal(1).label("cont"))
        .where(visible, Initiative.continues_id.is_not(None)),
    ).subquery()
    replications = func.sum(links.c.rep)
    continuations = func.sum(links.c.cont)
    rows = db.session.execute(
        select(links.c.target_id, replications, continuations)
        .join(Initiative, Initiative.id == links.c.target_id)  # the replicated model itself
        .where(visible)
        .group_by(links.c.target_id)
        .order_by((replications + continuations).desc(), replications.desc(), links.c.target_id)
        .limit(limit)
    ).all()
    if not rows:
        return []
    models = {
        i.id: i
        for i in db.session.scalars(
            select(Initiative)
            .where(Initiative.id.in_([r[0] for r in rows]))
            .options(joinedload(Initiative.unit))
        )
    }
    return [ReplicatedModel(models[t], int(r or 0), int(c or 0)) for t, r, c in rows if t in models]
