"""Building and editing proposals (danh sách đề nghị khen thưởng): lines drafted from a
finalised round, edited on the proposal page, then submitted, returned or deleted. The
decision on a submitted proposal is in `decisions`.

Services flush and never commit: the request commits once. Every refusal raises an
`AwardError`; every change is recorded in the audit trail next to the change itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..audit.services import diff, record
from ..core.formatting import format_number, format_score
from ..core.types import utcnow
from ..extensions import db
from ..registry.models import Initiative
from ..scoring.models import Grade, Round, RoundState
from ..scoring.ranking import RankingRow, ranking_for
from . import repeat_awards
from .catalogue import award_forms
from .errors import AwardError, StaleProposal
from .models import AwardForm, Proposal, ProposalLine, ProposalState, RecipientType

MAX_SUMMARY = 4000
# How the audit trail names the Tờ trình fields.
DETAIL_LABELS = {
    "title": "Tên hồ sơ đề nghị",
    "submission_number": "Số Tờ trình",
    "submission_date": "Ngày Tờ trình",
    "signer_name": "Người ký",
    "signer_title": "Chức vụ người ký",
    "signer_authority": "Ký thay",
}


def _plain_text(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


# --- Recipients -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Someone a line may propose for an award: the model's unit or a named person."""

    key: str
    type: RecipientType
    name: str
    position: str
    member_id: int | None

    @property
    def label(self) -> str:
        if self.type is RecipientType.COLLECTIVE:
            return f"Tập thể: {self.name}"
        return f"Cá nhân: {self.name}" + (f" – {self.position}" if self.position else "")


def recipients_for(initiative: Initiative) -> list[Recipient]:
    """The unit, then the members of the model's team (with their positions), then the lead
    person when they are not already a member."""
    options = [Recipient(f"unit:{initiative.unit_id}", RecipientType.COLLECTIVE, initiative.unit.name, "", None)]
    member_names = set()
    for member in initiative.members:
        member_names.add(" ".join(member.full_name.split()).lower())
        options.append(
            Recipient(f"member:{member.id}", RecipientType.INDIVIDUAL, member.full_name, member.position or "",
                      member.id)
        )
    lead = " ".join((initiative.lead_name or "").split())
    if lead and lead.lower() not in member_names:
        options.append(
            Recipient(f"lead:{initiative.id}", RecipientType.INDIVIDUAL, lead, initiative.lead_position or "", None)
        )
    return options


def find_recipient(initiative: Initiative, key: str) -> Recipient:
    for option in recipients_for(initiative):
        if option.key == key:
            return option
    raise AwardError(f"Người hoặc tập thể được đề nghị không thuộc mô hình “{initiative.name}”.")


# --- Proposals ------------------------------------------------------------------------------


def finalised_rounds(organiser_ids: Iterable[int] | None = None) -> list[Round]:
    """Finalised rounds, of the given organisers only when they are given."""
    query = select(Round).where(Round.state == RoundState.FINALISED)
    if organiser_ids is not None:
        query = query.where(Round.organiser_id.in_(list(organiser_ids)))
    return list(db.session.scalars(query.order_by(Round.year.desc(), Round.id.desc())))


def format_points(value: Decimal | None) -> str:
    return format_score(value)


def default_summary(initiative: Initiative, row: RankingRow | None, round_: Round,
                    recipient_type: RecipientType = RecipientType.COLLECTIVE) -> str:
    """Tóm tắt thành tích drafted from the model's results and its score; edited by hand."""
    parts = []
    if recipient_type is RecipientType.INDIVIDUAL:
        parts.append(f"Tham gia tích cực, đóng góp vào kết quả của mô hình “{initiative.name}”.")
    if row is not None and row.total is not None and row.grade is not None:
        parts.append(
            f"Mô hình “{initiative.name}” đạt {format_points(row.total)} điểm, xếp loại {row.grade.label} "
            f"({round_.name})."
        )
    for text in (initiative.results_quantitative, initiative.results_qualitative):
        text = (text or "").strip()
        if text:
            parts.append(text if text.endswith((".", "!", ";")) else text + ".")
    if initiative.beneficiaries:
        parts.append(f"Số người hưởng lợi: {format_number(initiative.beneficiaries)}.")
    return "\n".join(parts)[:MAX_SUMMARY]


def default_title(round_: Round) -> str:
    return f"Đề nghị khen thưởng phong trào thi đua “Dân vận khéo” năm {round_.year}"


def excellent_initiative_ids(round_: Round) -> list[int]:
    """The models graded Xuất sắc in the round's published ranking, in rank order."""
    return [row.initiative_id for row in ranking_for(round_) if row.grade is Grade.EXCELLENT]


def check_version(proposal: Proposal, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != proposal.version:
        raise StaleProposal()


def _check_editable(proposal: Proposal) -> None:
    if not proposal.is_editable:
        raise AwardError("Danh sách đã trình: không sửa được. Chỉ sửa được khi đang lập hoặc bị trả lại.")


def _check_candidates_free(proposal: Proposal, *, removing: bool = False) -> None:
    """The council votes on the lines as they were when its ballot opened: while it is open
    no line comes or goes; once it has voted no one is added or changed (removing a line
    that did not pass is still allowed)."""
    ballot = proposal.ballot
    if ballot is None or (removing and ballot.is_closed):
        return
    if ballot.is_closed:
        raise AwardError("Hội đồng đã bỏ phiếu trên danh sách này: không thêm hoặc đổi tập thể, cá nhân được nữa.")
    raise AwardError("Hội đồng đang bỏ phiếu trên danh sách này: chờ kết thúc bỏ phiếu rồi mới sửa danh sách.")


def _touch(proposal: Proposal) -> None:
    """Mark the proposal changed so that its version moves even when only lines changed."""
    proposal.updated_at = utcnow()


def _ranking_rows(round_: Round) -> dict[int, RankingRow]:
    return {row.initiative_id: row for row in ranking_for(round_)}


def _new_line(proposal: Proposal, initiative: Initiative, recipient: Recipient, award_form: AwardForm,
              row: RankingRow | None, position: int) -> ProposalLine:
    line = ProposalLine(
        proposal=proposal,
        position=position,
        unit_id=initiative.unit_id,
        unit_name=initiative.unit.name,
        initiative_id=initiative.id,
        initiative_name=initiative.name,
        award_form_id=award_form.id,
        achievement_summary=default_summary(initiative, row, proposal.round, recipient.type),
        score=row.total if row is not None else None,
        grade=row.grade.label if row is not None and row.grade is not None else None,
    )
    _put_recipient(line, recipient)
    return line


def _put_recipient(line: ProposalLine, recipient: Recipient) -> None:
    """Copy who the line proposes onto it: key, type, name and position as they are today."""
    line.recipient_key = recipient.key
    line.recipient_type = recipient.type
    line.recipient_name = recipient.name
    line.recipient_position = recipient.position
    line.member_id = recipient.member_id


def _check_award_form(award_form: AwardForm | None, round_: Round) -> AwardForm:
    if award_form is None or not award_form.is_active:
        raise AwardError("Vui lòng chọn hình thức khen thưởng đang dùng trong danh mục.")
    _check_level(award_form, round_)
    return award_form


def _check_level(award_form: AwardForm, round_: Round) -> None:
    """An organiser proposes the forms of its own level only: a commune proposes Giấy khen of
    the Chủ tịch UBND xã, the province Bằng khen of the Chủ tịch UBND tỉnh."""
    organiser = round_.organiser
    if organiser is None or award_form.fits_level(organiser.level):
        return
    level = organiser.level.label.split(" (")[0].lower()
    raise AwardError(
        f"Hình thức “{award_form.name}” thuộc {award_form.level.label.lower()}, còn {organiser.name} tổ chức "
        f"khen thưởng ở {level}: chỉ đề nghị được hình thức khen thưởng cùng cấp. Muốn khen thưởng cấp cao "
        "hơn, hãy đề nghị mô hình lên cấp trên."
    )


def _organiser_signer(round_: Round) -> dict[str, str]:
    """Who usually signs the organiser's Tờ trình (its settings, else config.py): the new
    proposal starts with it, and the secretariat changes it on the page if need be."""
    from ..organisers.names import document_names

    names = document_names(round_.organiser, current_app.config)
    return {key: names[key][:255] for key in ("signer_authority", "signer_title", "signer_name")}


def create_proposal(round_: Round, initiative_ids: Sequence[int], award_form: AwardForm | None, *,
                    actor=None, title: str | None = None, repeat_reason: str | None = None) -> Proposal:
    """A draft proposal from a finalised round, with one collective line per chosen model.
    Models already awarded need `repeat_reason` (see `repeat_awards`)."""
    if round_.state is not RoundState.FINALISED:
        raise AwardError("Chỉ lập danh sách đề nghị từ đợt đánh giá đã công bố kết quả.")
    award_form = _check_award_form(award_form, round_)
    rows = _ranking_rows(round_)
    unknown = [i for i in initiative_ids if i not in rows]
    if unknown:
        raise AwardError("Có mô hình được chọn không thuộc kết quả của đợt đánh giá này.")
    if not initiative_ids:
        raise AwardError("Vui lòng chọn ít nhất một mô hình.")
    repeat_reason = repeat_awards.check(initiative_ids, repeat_reason)
    signer = _organiser_signer(round_)
    proposal = Proposal(
        round=round_,
        title=(title or "").strip() or default_title(round_),
        state=ProposalState.DRAFT,
        created_by_id=getattr(actor, "id", None),
        signer_authority=signer["signer_authority"],
        signer_title=signer["signer_title"],
        signer_name=signer["signer_name"],
    )
    db.session.add(proposal)
    db.session.flush()
    initiatives = {
        i.id: i
        for i in db.session.scalars(
            select(Initiative)
            .where(Initiative.id.in_(initiative_ids))
            .options(selectinload(Initiative.members), selectinload(Initiative.unit))
        )
    }
    ordered = sorted(initiative_ids, key=lambda i: (rows[i].rank is None, rows[i].rank or 0, i))
    for position, initiative_id in enumerate(dict.fromkeys(ordered), start=1):
        initiative = initiatives[initiative_id]
        recipient = recipients_for(initiative)[0]
        db.session.add(_new_line(proposal, initiative, recipient, award_form, rows[initiative_id], position * 10))
    db.session.flush()
    record(
        "proposal.create",
        proposal,
        actor=actor,
        label=proposal.title,
        changes={"Đợt đánh giá": [None, round_.name], "Số dòng": [None, len(initiative_ids)]},
        reason=repeat_reason,
    )
    return proposal


def add_line(proposal: Proposal, initiative: Initiative, recipient_key: str | None, award_form: AwardForm | None,
             *, expected_version: int | None = None, actor=None, repeat_reason: str | None = None) -> ProposalLine:
    """Add a recipient for a model of the round. Without a key: the first one not yet proposed."""
    _check_editable(proposal)
    _check_candidates_free(proposal)
    check_version(proposal, expected_version)
    award_form = _check_award_form(award_form, proposal.round)
    rows = _ranking_rows(proposal.round)
    if initiative.id not in rows:
        raise AwardError("Mô hình không thuộc kết quả của đợt đánh giá này.")
    used = {(line.initiative_id, line.recipient_key) for line in proposal.lines}
    if recipient_key:
        recipient = find_recipient(initiative, recipient_key)
    else:
        recipient = next((r for r in recipients_for(initiative) if (initiative.id, r.key) not in used), None)
        if recipient is None:
            raise AwardError(f"Mọi tập thể và cá nhân của mô hình “{initiative.name}” đã có trong danh sách.")
    if (initiative.id, recipient.key) in used:
        raise AwardError(f"{recipient.name} đã có trong danh sách đề nghị cho mô hình “{initiative.name}”.")
    repeat_reason = repeat_awards.check([initiative.id], repeat_reason)
    position = max((line.position for line in proposal.lines), default=0) + 10
    line = _new_line(proposal, initiative, recipient, award_form, rows[initiative.id], position)
    db.session.add(line)
    _touch(proposal)
    db.session.flush()
    record("proposal.line_add", proposal, actor=actor, label=proposal.title,
           changes={"Dòng": [None, f"{recipient.name} — {initiative.name}"]}, reason=repeat_reason)
    return line


def remove_line(proposal: Proposal, line: ProposalLine, *, expected_version: int | None = None,
                actor=None) -> None:
    _check_editable(proposal)
    check_version(proposal, expected_version)
    _check_candidates_free(proposal, removing=True)
    if line.proposal_id != proposal.id:
        raise AwardError("Dòng này không thuộc danh sách đề nghị.")
    label = f"{line.recipient_name} — {line.initiative_name}"
    proposal.lines.remove(line)
    _touch(proposal)
    db.session.flush()
    record("proposal.line_remove", proposal, actor=actor, label=proposal.title, changes={"Dòng": [label, None]})


@dataclass
class LineChange:
    """What the proposal page sends for one line."""

    line_id: int
    recipient_key: str
    award_form_id: int
    achievement_summary: str
    note: str


@dataclass
class ProposalDetails:
    """The Tờ trình part of the proposal page."""

    title: str
    submission_number: str | None
    submission_date: date | None
    signer_name: str
    signer_title: str
    signer_authority: str


def update_proposal(proposal: Proposal, details: ProposalDetails, lines: Iterable[LineChange], *,
                    expected_version: int | None, actor=None) -> None:
    """Save the proposal page: Tờ trình details and every line, refusing a stale page."""
    _check_editable(proposal)
    check_version(proposal, expected_version)
    changes: dict[str, list] = {}
    values = {
        "title": " ".join((details.title or "").split()) or default_title(proposal.round),
        "submission_number": (details.submission_number or "").strip() or None,
        "submission_date": details.submission_date,
        "signer_name": " ".join((details.signer_name or "").split()),
        "signer_title": " ".join((details.signer_title or "").split()),
        "signer_authority": " ".join((details.signer_authority or "").split()),
    }
    changes.update({DETAIL_LABELS[k]: v for k, v in diff(proposal, values).items()})
    for key, value in values.items():
        setattr(proposal, key, value)

    by_id = {line.id: line for line in proposal.lines}
    forms = {f.id: f for f in award_forms()}
    wanted: dict[tuple[int, str], ProposalLine] = {}
    updates = []
    for change in lines:
        line = by_id.get(change.line_id)
        if line is None:
            raise AwardError("Có dòng không còn trong danh sách; vui lòng tải lại trang.")
        recipient = find_recipient(line.initiative, change.recipient_key)
        key = (line.initiative_id, recipient.key)
        if key in wanted:
            raise AwardError(
                f"{recipient.name} được đề nghị hai lần cho mô hình “{line.initiative_name}”. "
                "Mỗi tập thể, cá nhân chỉ có một dòng cho một mô hình."
            )
        wanted[key] = line
        award_form = forms.get(change.award_form_id)
        if award_form is None or (not award_form.is_active and award_form.id != line.award_form_id):
            raise AwardError("Vui lòng chọn hình thức khen thưởng đang dùng trong danh mục.")
        if award_form.id != line.award_form_id:
            _check_level(award_form, proposal.round)
        updates.append((line, recipient, award_form, change))
    unchanged = set(by_id) - {line.id for line, *_ in updates}
    for line_id in unchanged:
        line = by_id[line_id]
        key = (line.initiative_id, line.recipient_key)
        if key in wanted:
            raise AwardError(f"{line.recipient_name} đã có trong danh sách cho mô hình “{line.initiative_name}”.")
        wanted[key] = line

    # Keys are rewritten in two steps so that swapping two recipients never trips the
    # unique constraint halfway through the flush.
    moved = [(line, recipient) for line, recipient, _f, _c in updates if line.recipient_key != recipient.key]
    if moved:
        _check_candidates_free(proposal)
    for line, _recipient in moved:
        line.recipient_key = f"tmp:{line.id}"
    if moved:
        db.session.flush()
    for line, recipient, award_form, change in updates:
        # Browsers send textarea line breaks as CRLF; stored text uses LF.
        summary = _plain_text(change.achievement_summary)[:MAX_SUMMARY]
        note = _plain_text(change.note)[:2000]
        line_changes = {}
        if line.recipient_key != recipient.key and (line, recipient) in moved:
            line_changes["Người được đề nghị"] = [line.recipient_name, recipient.name]
            _put_recipient(line, recipient)
        if line.award_form_id != award_form.id:
            line_changes["Hình thức khen thưởng"] = [line.award_form.name, award_form.name]
            line.award_form = award_form
        if line.achievement_summary != summary:
            line_changes["Tóm tắt thành tích"] = [line.achievement_summary, summary]
            line.achievement_summary = summary
        if line.note != note:
            line_changes["Ghi chú"] = [line.note, note]
            line.note = note
        for field, pair in line_changes.items():
            key = f"{line.recipient_name} ({line.initiative_name}): {field}"
            changes[key if key not in changes else f"{key} #{line.id}"] = pair
    if changes:
        _touch(proposal)
        db.session.flush()
        record("proposal.update", proposal, actor=actor, label=proposal.title, changes=changes)


def missing_for_submit(proposal: Proposal) -> list[str]:
    missing = []
    if not proposal.lines:
        missing.append("danh sách chưa có dòng nào")
    if not proposal.submission_number:
        missing.append("số Tờ trình")
    if not proposal.submission_date:
        missing.append("ngày Tờ trình")
    if not proposal.signer_name:
        missing.append("họ tên người ký")
    if not proposal.signer_title:
        missing.append("chức vụ người ký")
    if any(not line.achievement_summary.strip() for line in proposal.lines):
        missing.append("tóm tắt thành tích của mọi dòng")
    return missing


def submit_proposal(proposal: Proposal, *, expected_version: int | None = None, actor=None) -> None:
    """draft or returned → submitted: the lines are frozen."""
    _check_editable(proposal)
    check_version(proposal, expected_version)
    if proposal.ballot is not None and not proposal.ballot.is_closed:
        raise AwardError("Hội đồng đang bỏ phiếu trên danh sách này: chờ kết thúc bỏ phiếu rồi mới trình.")
    missing = missing_for_submit(proposal)
    if missing:
        raise AwardError("Chưa trình được, còn thiếu: " + "; ".join(missing) + ".")
    old = proposal.state
    proposal.state = ProposalState.SUBMITTED
    proposal.submitted_at = utcnow()
    db.session.flush()
    record("proposal.submit", proposal, actor=actor, label=proposal.title,
           changes={"state": [old.value, ProposalState.SUBMITTED.value]})


def return_proposal(proposal: Proposal, reason: str, *, expected_version: int | None = None, actor=None) -> None:
    """submitted → returned, with the reason, so the list can be corrected and resubmitted."""
    check_version(proposal, expected_version)
    if proposal.state is not ProposalState.SUBMITTED:
        raise AwardError("Chỉ trả lại được danh sách đã trình.")
    reason = (reason or "").strip()
    if not reason:
        raise AwardError("Vui lòng nhập lý do trả lại.", field="reason")
    proposal.state = ProposalState.RETURNED
    proposal.return_reason = reason[:4000]
    proposal.decided_at = utcnow()
    db.session.flush()
    record("proposal.return", proposal, actor=actor, label=proposal.title, reason=reason,
           changes={"state": [ProposalState.SUBMITTED.value, ProposalState.RETURNED.value]})



def delete_proposal(proposal: Proposal, *, actor=None) -> None:
    if proposal.state is not ProposalState.DRAFT:
        raise AwardError("Chỉ xóa được danh sách đang lập, chưa trình lần nào.")
    if proposal.ballot is not None:
        raise AwardError("Hội đồng đã bỏ phiếu trên danh sách này: không xóa được danh sách.")
    record("proposal.delete", proposal, actor=actor, label=proposal.title,
           changes={"Số dòng": [len(proposal.lines), None]})
    db.session.delete(proposal)
    db.session.flush()
