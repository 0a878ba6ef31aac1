"""The commendation register (sổ theo dõi khen thưởng): every granted award of an organiser's
decisions, one row per award, with its decision and its revocation, filtered as the
secretariat asks (year, form, level, unit, recipient)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import selectinload

from ..awards.models import AwardForm, AwardLevel, Proposal, ProposalLine, ProposalState
from ..core.paging import KeysetPage, SortKey, keyset_page, page_of_found_keys
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


# Newest decision first, a decision's lines in their order. Paged by key; an approved
# proposal always has its decision date (a CHECK), so no key is NULL.
REGISTER_ORDER = (SortKey(Proposal.decision_date, descending=True), SortKey(ProposalLine.proposal_id, descending=True),
                  SortKey(ProposalLine.position), SortKey(ProposalLine.id))

_LOADED = (selectinload(ProposalLine.proposal), selectinload(ProposalLine.award_form),
           selectinload(ProposalLine.revocation))


def register_query(organiser_ids: Iterable[int], filters: RegisterFilters) -> Select:
    """Granted awards of the organisers' decisions, newest decision first, in list order."""
    return (_matching(organiser_ids, filters).options(*_LOADED)
            .order_by(*(key.ordering for key in REGISTER_ORDER)))


def _matching(organiser_ids: Iterable[int], filters: RegisterFilters) -> Select:
    """The lines the filters select in SQL, unordered (the recipient is then matched in Python)."""
    query = (
        select(ProposalLine)
        .join(Proposal, ProposalLine.proposal_id == Proposal.id)
        .join(Round, Proposal.round_id == Round.id)
        .join(AwardForm, ProposalLine.award_form_id == AwardForm.id)
        .where(Proposal.state == ProposalState.APPROVED, Round.organiser_id.in_(list(organiser_ids)))
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
    return _names_match(line.recipient_name, line.unit_name, text)


def _names_match(recipient_name: str, unit_name: str, text: str) -> bool:
    wanted = fold(text)
    return not wanted or wanted in fold(recipient_name) or wanted in fold(unit_name)


def register_lines(organiser_ids: Iterable[int], filters: RegisterFilters) -> list[ProposalLine]:
    """Every line the filters select, in list order (the Excel export keeps the whole list)."""
    lines = db.session.scalars(register_query(organiser_ids, filters))
    return [line for line in lines if matches_recipient(line, filters.recipient)]


def register_page(organiser_ids: Iterable[int], filters: RegisterFilters, *, per_page: int,
                  after: str | None = None, before: str | None = None) -> KeysetPage:
    """The page of the register after (or before) the line a paging link names. With a
    recipient typed, the name is matched in Python on the matches' keys and names, read narrow,
    and the page is cut from the keys of those that match; only its lines are loaded."""
    organiser_ids = list(organiser_ids)
    matching = _matching(organiser_ids, filters)
    columns = [key.column for key in REGISTER_ORDER]
    # Rows of (line, its keys): a line holds no decision date of its own to read the key from.
    statement = matching.options(*_LOADED).add_columns(*columns)
    if filters.recipient:
        found = [row[:len(columns)] for row in db.session.execute(
            matching.with_only_columns(*columns, ProposalLine.recipient_name, ProposalLine.unit_name))
            if _names_match(row[-2], row[-1], filters.recipient)]
        page = page_of_found_keys(statement, REGISTER_ORDER, found, per_page=per_page, after=after, before=before,
                                  scalars=False)
    else:
        page = keyset_page(statement, REGISTER_ORDER, per_page=per_page, after=after, before=before, scalars=False,
                           cut_in_python=True)
    page.items = [row.ProposalLine for row in page.items]
    return page


def register_years(organiser_ids: Iterable[int]) -> list[int]:
    rows = db.session.scalars(
        select(func.distinct(extract("year", Proposal.decision_date)))
        .join(Round, Proposal.round_id == Round.id)
        .where(Proposal.state == ProposalState.APPROVED, Round.organiser_id.in_(list(organiser_ids))))
    return sorted({int(y) for y in rows if y is not None}, reverse=True)
