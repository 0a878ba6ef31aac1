"""Reading what the exports show, as the plain rows `documents` takes.

Large listings are streamed from the database (`yield_per`) and turned into rows one by
one, so neither the query nor the workbook holds every model in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select

from ..auth.models import User
from ..core.formatting import format_plain
from ..core.timeutil import to_local
from ..extensions import db
from ..registry.models import Field, Initiative, InitiativeKind, Status
from ..scoring.adjustment import FLAG_GRADE_CHANGE, grade_change_text
from ..scoring.models import Criterion, PanelMember, Round, Score, Scorecard, ScorecardState
from ..scoring.ranking import FLAG_DISAGREEMENT, FLAG_DISCUSSION, RankingRow
from ..units.models import Unit
from .documents import (
    CommentLine,
    ComplianceLine,
    CriterionInfo,
    ProposalList,
    ProposalListLine,
    RankingLine,
    ScoreLine,
)

STREAM_BATCH = 1000


# --- Proposal ------------------------------------------------------------------------------


def proposal_list(proposal) -> ProposalList:
    from ..awards.models import ProposalState

    lines = [
        ProposalListLine(
            collective=line.is_collective,
            recipient_name=line.recipient_name,
            position_and_unit="" if line.is_collective else ", ".join(
                part for part in (line.recipient_position, line.unit_name) if part
            ),
            initiative_name=line.initiative_name,
            summary=line.achievement_summary,
            score=line.score,
            grade=line.grade or "",
            award_form=line.award_form.display_name,
            note=line.note,
            field=line.initiative.field.label if line.initiative.field else "",
        )
        for line in proposal.lines
    ]
    return ProposalList(
        title=proposal.title,
        year=proposal.round.year,
        submission_number=proposal.submission_number,
        submission_date=proposal.submission_date,
        signer_name=proposal.signer_name,
        signer_title=proposal.signer_title,
        signer_authority=proposal.signer_authority,
        lines=lines,
        approved=proposal.state is ProposalState.APPROVED,
    )


# --- Ranking ---------------------------------------------------------------------------------


def criteria_of(round_: Round) -> list[CriterionInfo]:
    return [CriterionInfo(c.code, c.name, c.max_score) for c in round_.criteria]


def ranking_lines(round_: Round, rows: Sequence[RankingRow]) -> list[RankingLine]:
    lines = []
    for row in rows:
        notes = []
        if not row.complete:
            notes.append(f"Chưa đủ phiếu chấm ({row.submitted_count}/{row.required_count or round_.min_scorecards})")
        if FLAG_DISAGREEMENT in row.flags:
            notes.append("Chênh lệch lớn giữa các thành viên")
        if FLAG_GRADE_CHANGE in row.flags:
            notes.append(f"Xếp loại đổi khi hiệu chỉnh theo mức chấm ({grade_change_text(row)})")
        if FLAG_DISCUSSION in row.flags:
            notes.append("Điều chỉnh sau thảo luận")
        lines.append(
            RankingLine(
                name=row.name,
                unit_name=row.unit_name,
                field=row.field.label if row.field else "",
                criterion_means=row.criterion_means,
                total=row.total,
                grade=row.grade.label if row.grade else "",
                rank=row.rank,
                note="; ".join(notes),
            )
        )
    return lines


def _member_numbers(round_: Round) -> dict[int, int]:
    """Panel members numbered by their place in the panel: "Thành viên 2" is the same
    person across the whole workbook, and nobody is named."""
    return {
        user_id: index
        for index, user_id in enumerate(
            db.session.scalars(
                select(PanelMember.user_id).where(PanelMember.round_id == round_.id).order_by(PanelMember.id)
            ),
            start=1,
        )
    }


def comment_lines(round_: Round, initiative_ids: Sequence[int]) -> Iterator[CommentLine]:
    """What each panel member wrote on a submitted card (the card's comment, then the
    criteria's), model by model in the ranking's order; members numbered, not named."""
    numbers = _member_numbers(round_)
    for start in range(0, len(initiative_ids), STREAM_BATCH):
        chunk = initiative_ids[start:start + STREAM_BATCH]
        cards = db.session.execute(
            select(Scorecard.id, Scorecard.initiative_id, Scorecard.evaluator_id, Scorecard.total,
                   Scorecard.comment, Initiative.name, Unit.name)
            .join(Initiative, Scorecard.initiative_id == Initiative.id)
            .join(Unit, Initiative.unit_id == Unit.id)
            .where(Scorecard.round_id == round_.id, Scorecard.state == ScorecardState.SUBMITTED,
                   Scorecard.initiative_id.in_(chunk))
        ).all()
        remarks: dict[int, list[str]] = {}
        for card_id, code, comment in db.session.execute(
            select(Score.scorecard_id, Criterion.code, Score.comment)
            .join(Criterion, Score.criterion_id == Criterion.id)
            .join(Scorecard, Score.scorecard_id == Scorecard.id)
            .where(Scorecard.round_id == round_.id, Scorecard.initiative_id.in_(chunk),
                   Score.comment.is_not(None), Score.comment != "")
            .order_by(Criterion.position)
        ):
            remarks.setdefault(card_id, []).append(f"{code}: {comment.strip()}")
        by_model: dict[int, list[tuple[int, CommentLine]]] = {}
        for card_id, initiative_id, evaluator_id, total, comment, name, unit_name in cards:
            parts = [part for part in ((comment or "").strip(), *remarks.get(card_id, ())) if part]
            if not parts:
                continue
            number = numbers.get(evaluator_id, 0)
            by_model.setdefault(initiative_id, []).append(
                (number, CommentLine(name, unit_name, f"Thành viên {number or '?'}", total, "\n".join(parts))))
        for initiative_id in chunk:
            for _, line in sorted(by_model.get(initiative_id, ()), key=lambda item: item[0]):
                yield line


def score_lines(round_: Round, initiative_ids: Sequence[int], *, with_names: bool = False) -> Iterator[ScoreLine]:
    """Every submitted score of the round's models `initiative_ids`, model by model in that
    order (the ranking sheet's), then by panel member and criterion. Read a thousand models
    at a time. Without names, evaluators are numbered by their place in the panel
    ("Thành viên 2"), the same number across the whole sheet."""
    numbers = _member_numbers(round_)
    for start in range(0, len(initiative_ids), STREAM_BATCH):
        chunk = initiative_ids[start:start + STREAM_BATCH]
        by_model: dict[int, list[ScoreLine]] = {}
        rows = db.session.execute(
            select(
                Scorecard.initiative_id, Initiative.name, Unit.name, User.id, User.full_name, Criterion.code,
                Criterion.name, Score.max_score, Score.value, Score.comment,
            )
            .select_from(Score)
            .join(Scorecard, Score.scorecard_id == Scorecard.id)
            .join(Criterion, Score.criterion_id == Criterion.id)
            .join(Initiative, Scorecard.initiative_id == Initiative.id)
            .join(Unit, Initiative.unit_id == Unit.id)
            .join(User, Scorecard.evaluator_id == User.id)
            .where(Scorecard.round_id == round_.id, Scorecard.state == ScorecardState.SUBMITTED,
                   Scorecard.initiative_id.in_(chunk))
            .order_by(Scorecard.evaluator_id, Criterion.position)
        )
        for initiative_id, name, unit_name, user_id, full_name, code, criterion, max_score, value, comment in rows:
            evaluator = full_name if with_names else f"Thành viên {numbers.get(user_id, '?')}"
            by_model.setdefault(initiative_id, []).append(
                ScoreLine(name, unit_name, evaluator, f"{code}. {criterion}", max_score, value, comment or "")
            )
        for initiative_id in chunk:
            yield from by_model.get(initiative_id, ())


# --- Compliance --------------------------------------------------------------------------------


def compliance_lines(year: int, organiser_id: int | None = None) -> list[ComplianceLine]:
    """The compliance rows of one organiser's own units (None: the default organiser)."""
    from ..registry.deadlines import compliance_rows

    return [
        ComplianceLine(
            unit_name=row.unit.name,
            unit_kind=row.unit.kind.label,
            deadline=to_local(row.deadline).date() if row.deadline else None,
            extension_until=to_local(row.extension_until).date() if row.extension_until else None,
            submitted=row.submitted,
            waiting=row.waiting,
            returned=row.returned,
            accepted=row.accepted,
            rejected=row.rejected,
            drafts=row.drafts,
            status=row.status.label,
        )
        for row in compliance_rows(year, organiser_id)
    ]


# --- Registry listing ------------------------------------------------------------------------

# What the registry export writes of each model, read as plain rows: building 2,000 ORM
# models and their units took about a third of a province's download.
_LISTING_COLUMNS = (
    Initiative.name, Unit.name, Initiative.year, Initiative.field, Initiative.kind, Initiative.status,
    Initiative.submitted_at, Initiative.lead_name, Initiative.lead_position, Initiative.beneficiaries,
    Initiative.budget_state, Initiative.budget_social,
)


def registry_count(user, args: Mapping[str, Any], *, cap: int) -> int:
    """How many models the registry export of these filters holds, counted up to `cap` + 1."""
    from ..registry.services import filtered_initiatives_query

    matches = filtered_initiatives_query(user, args).with_only_columns(Initiative.id).order_by(None).limit(cap + 1)
    return db.session.scalar(select(func.count()).select_from(matches.subquery())) or 0


def registry_rows(user, args: Mapping[str, Any]) -> Iterator[list[Any]]:
    """The models of the registry list for these filters, as rows, streamed."""
    from ..registry.services import filtered_initiatives_query

    query = (
        filtered_initiatives_query(user, args, load_unit=False)
        .with_only_columns(*_LISTING_COLUMNS)
        .join(Unit, Initiative.unit_id == Unit.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    for (name, unit_name, year, field_, kind, status, submitted_at, lead_name, lead_position, beneficiaries,
         budget_state, budget_social) in db.session.execute(query):
        yield [
            name,
            unit_name,
            format_plain(year),
            field_.label if field_ else "",
            kind.label,
            status.label,
            to_local(submitted_at).date() if submitted_at else None,
            ", ".join(part for part in (lead_name, lead_position) if part),
            beneficiaries,
            budget_state,
            budget_social,
        ]


def describe_filters(args: Mapping[str, Any]) -> list[str]:
    """The list's filters in words, for the line under the title."""
    from ..registry.services import ListFilters

    filters = ListFilters.from_args(args)
    words = []
    if filters.q:
        words.append(f"từ khóa “{filters.q}”")
    if filters.year:
        words.append(f"năm {filters.year}")
    if filters.unit_id:
        unit = db.session.get(Unit, filters.unit_id)
        if unit is not None:
            words.append(f"đơn vị {unit.name} (kể cả đơn vị trực thuộc)")
    if filters.unit_text:
        words.append(f"đơn vị khớp “{filters.unit_text}” (kể cả đơn vị trực thuộc)")
    if filters.unit_kind:
        words.append(f"loại đơn vị {filters.unit_kind.label}")
    if isinstance(filters.field, Field):
        words.append(f"lĩnh vực {filters.field.label}")
    if isinstance(filters.status, Status):
        words.append(f"trạng thái {filters.status.label}")
    if isinstance(filters.kind, InitiativeKind):
        words.append(filters.kind.label.lower())
    return words


def voice_lines(rows: Sequence[RankingRow]) -> list:
    """Phụ lục 3 of the ranking: the people's voice on each ranked model, in ranking order."""
    from ..feedback.queries import summaries_for
    from ..supervision.queries import stances_for, stances_text
    from .documents import VoiceLine

    ids = [row.initiative_id for row in rows]
    summaries, stances = summaries_for(ids), stances_for(ids)
    lines = []
    for row in rows:
        s = summaries.get(row.initiative_id)
        supervision = stances_text(stances.get(row.initiative_id))
        if s is None:
            lines.append(VoiceLine(row.name, row.unit_name, 0, None, 0, None, None, supervision))
            continue
        took = s.verified.took_part + s.open.took_part
        lines.append(VoiceLine(row.name, row.unit_name, s.verified.responses,
                               round(s.verified.mean, 2) if s.verified.mean is not None else None,
                               s.open.responses, round(s.open.mean, 2) if s.open.mean is not None else None,
                               round(100 * took / s.responses) if s.responses else None, supervision))
    return lines
