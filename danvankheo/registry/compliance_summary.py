"""The compliance of many units at once, counted in the database: for the dashboard of an
observer who reads the whole country and for the roll-up of the lower levels.

`deadlines.compliance_rows_of` builds a row per unit, which the compliance view lists. The
dashboard and the roll-up only show totals and the first units that have no model yet; for a
national observer a row per unit meant loading 3,000 units on every view. Here the totals are
grouped in SQL from the counts the registry keeps (`registry.tallies`), and only the units
shown are loaded. The figures are the same as `compliance_totals(compliance_rows_of(...))`,
which the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, case, false, func, literal, select, true

from ..core.paging import KeysetPage, SortKey, keyset_page
from ..extensions import db
from ..units.models import Unit
from .deadlines import (
    COUNTED_STATUSES,
    ComplianceRow,
    ComplianceStatus,
    ComplianceTotals,
    YearScope,
    compliance_rows_of_units,
    year_scope,
)
from .models import DeadlineExtension, InitiativeTally, Status

NOT_SUBMITTED = (Status.DRAFT, Status.WITHDRAWN)


@dataclass
class ComplianceSummary:
    totals: ComplianceTotals
    # Organiser -> (units that must register, units with a model submitted on time or late).
    by_organiser: dict[int, tuple[int, int]] = field(default_factory=dict)
    behind: list[ComplianceRow] = field(default_factory=list)  # the first units without a model
    behind_count: int = 0


def _per_unit(year: int, scope: YearScope):
    """One row per unit of `scope` with models in `year`: its counts as `ComplianceRow` counts
    them. Only the scope's units are grouped: a province's hundred, not the country's tallies."""
    tally = InitiativeTally
    counted = tally.status.in_(COUNTED_STATUSES)

    def total(condition):
        return func.sum(case((condition, tally.count), else_=0))

    return (
        select(
            tally.unit_id.label("unit_id"),
            total(and_(counted, tally.is_late.is_(False))).label("on_time"),
            total(and_(counted, tally.is_late.is_(True))).label("late"),
            total(tally.status.in_(NOT_SUBMITTED)).label("drafts"),
            total(tally.status.not_in(NOT_SUBMITTED)).label("submitted"),
            total(tally.status == Status.ACCEPTED).label("accepted"),
        )
        .where(tally.year == year, tally.unit_id.in_(select(Unit.id).where(scope.units)))
        .group_by(tally.unit_id)
        .subquery()
    )


def _in_status(per_unit, status: ComplianceStatus | None) -> ColumnElement[bool]:
    """The SQL condition of one compliance status on a unit outer-joined to `per_unit`, as
    `compliance_rows_of` decides it: met when a counted model was submitted on time, late when
    only late ones were (under an extension), missing otherwise. None: every unit."""
    on_time = func.coalesce(per_unit.c.on_time, 0)
    late = func.coalesce(per_unit.c.late, 0)
    if status is None:
        return true()
    return {
        ComplianceStatus.MET: on_time > 0,
        ComplianceStatus.LATE: and_(on_time == 0, late > 0),
        ComplianceStatus.MISSING: and_(on_time == 0, late == 0),
    }[status]


def _totals(scope: YearScope, per_unit) -> tuple[ComplianceTotals, dict[int, tuple[int, int]]]:
    """The totals of every unit in `scope`, and each organiser's (units, units that submitted)."""
    met, late_only = _in_status(per_unit, ComplianceStatus.MET), _in_status(per_unit, ComplianceStatus.LATE)
    rows = db.session.execute(
        select(
            Unit.organiser_id,
            func.count(Unit.id),
            func.sum(case((met, 1), else_=0)),
            func.sum(case((late_only, 1), else_=0)),
            func.sum(func.coalesce(per_unit.c.drafts, 0)),
            func.sum(func.coalesce(per_unit.c.submitted, 0)),
            func.sum(func.coalesce(per_unit.c.accepted, 0)),
        )
        .select_from(Unit)
        .outerjoin(per_unit, per_unit.c.unit_id == Unit.id)
        .where(scope.units)
        .group_by(Unit.organiser_id)
    ).all()
    sums = [0] * 6
    by_organiser = {}
    for organiser_id, units, n_met, n_late, *counts in rows:
        figures = [int(units), int(n_met or 0), int(n_late or 0), *(int(c or 0) for c in counts)]
        sums = [a + b for a, b in zip(sums, figures, strict=True)]
        by_organiser[organiser_id] = (figures[0], figures[1] + figures[2])
    units, n_met, n_late, drafts, submitted, accepted = sums
    totals = ComplianceTotals(units=units, met=n_met, late=n_late, missing=units - n_met - n_late,
                              drafts=drafts, submitted=submitted, accepted=accepted)
    return totals, by_organiser


def compliance_totals_of(year: int, organiser_ids) -> ComplianceTotals:
    """Only the totals of `compliance_summary_of` (the home page's review panel)."""
    organiser_ids = list(dict.fromkeys(organiser_ids))
    if not organiser_ids:
        return ComplianceTotals(0, 0, 0, 0, 0, 0, 0)
    scope = year_scope(year, organiser_ids)
    return _totals(scope, _per_unit(year, scope))[0]


def compliance_summary_of(year: int, organiser_ids, *, behind_limit: int = 20) -> ComplianceSummary:
    organiser_ids = list(dict.fromkeys(organiser_ids))
    empty = ComplianceTotals(0, 0, 0, 0, 0, 0, 0)
    if not organiser_ids:
        return ComplianceSummary(empty)
    scope = year_scope(year, organiser_ids)
    per_unit = _per_unit(year, scope)
    totals, by_organiser = _totals(scope, per_unit)

    # The units without a model, in the compliance view's order; only the first are loaded.
    position = {org: i for i, org in enumerate(organiser_ids)}
    missing = sorted(
        db.session.execute(
            select(Unit.id, Unit.organiser_id, Unit.kind, Unit.sort_name)
            .select_from(Unit)
            .outerjoin(per_unit, per_unit.c.unit_id == Unit.id)
            .where(scope.units, _in_status(per_unit, ComplianceStatus.MISSING))
        ).all(),
        key=lambda r: (position[r.organiser_id], scope.kinds_of[r.organiser_id].index(r.kind), r.sort_name, r.id),
    )
    shown = [r.id for r in missing[:behind_limit]]
    units_by_id = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(shown)))} if shown else {}
    extensions = dict(db.session.execute(
        select(DeadlineExtension.unit_id, DeadlineExtension.until)
        .where(DeadlineExtension.year == year, DeadlineExtension.unit_id.in_(shown))
    ).all()) if shown else {}
    behind = []
    for unit_id in shown:
        unit = units_by_id[unit_id]
        general = scope.general_of[unit.organiser_id]
        behind.append(ComplianceRow(unit=unit, deadline=max(general, extensions.get(unit_id, general)),
                                    extension_until=extensions.get(unit_id)))
    return ComplianceSummary(totals, by_organiser, behind, len(missing))


# --- The compliance view, paged --------------------------------------------------------------


@dataclass
class CompliancePage:
    rows: KeysetPage  # its items are `ComplianceRow`s
    totals: ComplianceTotals  # of every unit that must register, whatever the filter


def compliance_page(year: int, organiser_id: int | None, status: ComplianceStatus | None, *, per_page: int,
                    after: str | None = None, before: str | None = None, unknown_status: bool = False
                    ) -> CompliancePage:
    """One page of the compliance view of an organiser's own units, in its order (the kinds in
    the order the organiser asks them, then by name, the id between namesakes), with the status
    filter applied in SQL from the kept counts; the totals count every unit. Only the page's
    units are loaded, with their counts and extensions. `unknown_status`: a filter value that
    is no status, which no unit matches."""
    if organiser_id is None:  # a deployment without units yet
        return CompliancePage(KeysetPage([], per_page, False, False, None, None, 0, False),
                              ComplianceTotals(0, 0, 0, 0, 0, 0, 0))
    scope = year_scope(year, [organiser_id])
    per_unit = _per_unit(year, scope)
    totals, _ = _totals(scope, per_unit)
    kinds = scope.kinds_of[organiser_id]
    rank = case(*((Unit.kind == kind, i) for i, kind in enumerate(kinds)), else_=len(kinds)) if kinds else literal(0)
    keys = (SortKey(rank, attribute="kind_rank"), SortKey(Unit.sort_name), SortKey(Unit.id))
    statement = (
        select(Unit, rank.label("kind_rank"), Unit.sort_name, Unit.id)
        .outerjoin(per_unit, per_unit.c.unit_id == Unit.id)
        .where(scope.units, false() if unknown_status else _in_status(per_unit, status))
    )
    page = keyset_page(statement, keys, per_page=per_page, after=after, before=before, scalars=False)
    page.items = compliance_rows_of_units(year, [row.Unit for row in page.items], scope.general_of)
    return CompliancePage(page, totals)
