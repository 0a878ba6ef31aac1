"""The commendation register (sổ theo dõi khen thưởng): every granted award of an organiser's
decisions, one row per award, with its decision and its revocation, filtered as the
secretariat asks (year, form, level, unit, recipient)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import selectinload

from ..awards.models import AwardForm, AwardLevel, Proposal, ProposalLine, ProposalState
from ..core.queries import where_given
from ..core.text import fold
from ..extensions import db
from ..scoring.models import Round


@dataclass(frozen=True)
class RegisterFilters:
    year: int | None = None
    form_id: int | None = None
    level: AwardLevel | None = None
    unit_id: int | None = None
    recipient: str = ""

    @classmethod
    def from_args(cls, args) -> RegisterFilters:
        level = args.get("cap") or None
        try:
            level = AwardLevel(level) if level else None
        except ValueError:
            level = None
        return cls(year=args.get("nam", type=int), form_id=args.get("hinh_thuc", type=int), level=level,
                   unit_id=args.get("don_vi", type=int), recipient=(args.get("q") or "").strip()[:100])

    def as_args(self) -> dict:
        return {key: value for key, value in {
            "nam": self.year, "hinh_thuc": self.form_id, "cap": self.level.value if self.level else None,
            "don_vi": self.unit_id, "q": self.recipient or None}.items() if value}

    def describe(self, forms: dict[int, str], units: dict[int, str]) -> list[str]:
        """The filters as a line under the title of the export."""
        parts = []
        if self.year:
            parts.append(f"năm {self.year}")
        if self.form_id:
            parts.append(f"hình thức: {forms.get(self.form_id, '')}")
        if self.level:
            parts.append(f"cấp: {self.level.label}")
        if self.unit_id:
            parts.append(f"đơn vị: {units.get(self.unit_id, '')}")
        if self.recipient:
            parts.append(f"người/tập thể được khen: “{self.recipient}”")
        return [f"(Lọc theo {'; '.join(parts)})"] if parts else []


def register_query(organiser_ids: Iterable[int], filters: RegisterFilters) -> Select:
    """Granted awards of the organisers' decisions, newest decision first, in list order."""
    query = (
        select(ProposalLine)
        .join(Proposal, ProposalLine.proposal_id == Proposal.id)
        .join(Round, Proposal.round_id == Round.id)
        .join(AwardForm, ProposalLine.award_form_id == AwardForm.id)
        .where(Proposal.state == ProposalState.APPROVED, Round.organiser_id.in_(list(organiser_ids)))
        .options(selectinload(ProposalLine.proposal), selectinload(ProposalLine.award_form),
                 selectinload(ProposalLine.revocation))
        .order_by(Proposal.decision_date.desc(), Proposal.id.desc(), ProposalLine.position, ProposalLine.id)
    )
    query = where_given(
        query,
        (extract("year", Proposal.decision_date), filters.year),
        (ProposalLine.award_form_id, filters.form_id),
        (AwardForm.level, filters.level),
        (ProposalLine.unit_id, filters.unit_id),
    )
    if filters.recipient:
        # Matched in Python on the folded name too ("nguyen van an" finds "Nguyễn Văn An"); the SQL
        # LIKE is a prefilter only where it can be exact (plain ASCII typed).
        words = filters.recipient.split()
        for word in words:
            if word == fold(word):
                continue
            query = query.where(or_(ProposalLine.recipient_name.contains(word), ProposalLine.unit_name.contains(word)))
    return query


def matches_recipient(line: ProposalLine, text: str) -> bool:
    wanted = fold(text)
    return not wanted or wanted in fold(line.recipient_name) or wanted in fold(line.unit_name)


def register_lines(organiser_ids: Iterable[int], filters: RegisterFilters) -> list[ProposalLine]:
    lines = db.session.scalars(register_query(organiser_ids, filters))
    return [line for line in lines if matches_recipient(line, filters.recipient)]


def register_years(organiser_ids: Iterable[int]) -> list[int]:
    rows = db.session.scalars(
        select(func.distinct(extract("year", Proposal.decision_date)))
        .join(Round, Proposal.round_id == Round.id)
        .where(Proposal.state == ProposalState.APPROVED, Round.organiser_id.in_(list(organiser_ids))))
    return sorted({int(y) for y in rows if y is not None}, reverse=True)
