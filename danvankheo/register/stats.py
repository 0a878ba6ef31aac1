"""Statistics over years: awards counted by year, form, level and kind of unit.

An award counts once, in the year of its decision; revoked awards do not count. Awards of
other bodies entered by hand count too, in a column of their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..awards.models import AwardLevel, Proposal, ProposalLine, ProposalState
from ..extensions import db
from ..scoring.models import Round
from ..units.models import UnitKind
from .models import OutsideAward


@dataclass(frozen=True)
class Fact:
    year: int
    form: str
    level: AwardLevel
    unit_kind: UnitKind
    outside: bool


@dataclass
class AwardStatistics:
    facts: list[Fact]
    years: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.years = sorted({f.year for f in self.facts})

    def by_year(self) -> list[tuple[int, int, int, int]]:
        """(year, in the app, outside, total) for every year with awards, oldest first."""
        inside = Counter(f.year for f in self.facts if not f.outside)
        outside = Counter(f.year for f in self.facts if f.outside)
        return [(y, inside[y], outside[y], inside[y] + outside[y]) for y in self.years]

    def _table(self, key) -> list[tuple[str, list[int], int]]:
        counts: dict[str, Counter] = {}
        for fact in self.facts:
            counts.setdefault(key(fact), Counter())[fact.year] += 1
        return [(name, [c[y] for y in self.years], sum(c.values()))
                for name, c in sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))]

    def by_form(self) -> list[tuple[str, list[int], int]]:
        return self._table(lambda f: f.form)

    def by_level(self) -> list[tuple[str, list[int], int]]:
        order = {level.label: n for n, level in enumerate(AwardLevel)}
        return sorted(self._table(lambda f: f.level.label), key=lambda row: order[row[0]])

    def by_unit_kind(self) -> list[tuple[str, list[int], int]]:
        return self._table(lambda f: f.unit_kind.label)

    @property
    def total(self) -> int:
        return len(self.facts)


def award_statistics(organiser_ids: Iterable[int], *, first_year: int | None = None,
                     last_year: int | None = None) -> AwardStatistics:
    ids = list(organiser_ids)
    lines = db.session.scalars(
        select(ProposalLine).join(Proposal, ProposalLine.proposal_id == Proposal.id)
        .join(Round, Proposal.round_id == Round.id)
        .where(Proposal.state == ProposalState.APPROVED, Round.organiser_id.in_(ids))
        .options(selectinload(ProposalLine.proposal), selectinload(ProposalLine.award_form),
                 selectinload(ProposalLine.revocation), selectinload(ProposalLine.unit)))
    facts = [Fact(line.proposal.decision_date.year, line.award_form.display_name, line.award_form.level,
                  line.unit.kind, False) for line in lines if not line.is_revoked]
    outside = db.session.scalars(select(OutsideAward).where(OutsideAward.organiser_id.in_(ids))
                                 .options(selectinload(OutsideAward.unit)))
    facts += [Fact(a.decision_date.year, a.form_name, a.level, a.unit.kind, True) for a in outside]
    facts = [f for f in facts if (first_year is None or f.year >= first_year)
             and (last_year is None or f.year <= last_year)]
    return AwardStatistics(facts)
