"""Operations on award forms, proposals, their lines and revocations.

Services flush and never commit: the request commits once. Every refusal raises an
`AwardError` whose Vietnamese message is shown to the user as is. Every change is
recorded in the audit trail next to the change itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..auth.models import Role, User, UserRole
from ..core.formatting import format_day, format_number, format_score
from ..core.types import utcnow
from ..extensions import db
from ..notifications.services import notify
from ..registry.models import Initiative
from ..scoring.models import Grade, Round, RoundState
from ..scoring.ranking import RankingRow, ranking_for
from ..units.models import Unit
from . import repeat_awards
from .models import (
    DEFAULT_AWARD_FORMS,
    AwardForm,
    AwardLevel,
    AwardRevocation,
    Proposal,
    ProposalLine,
    ProposalState,
    RecipientType,
)

STALE_MESSAGE = (
    "Danh sách đề nghị vừa được người khác sửa sau khi bạn mở trang. Thay đổi của bạn chưa được lưu: "
    "vui lòng tải lại trang để xem bản mới nhất rồi sửa lại."
)
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


class AwardError(ValueError):
    """A refused operation; the message is shown to the user."""


class RepeatedAwardError(AwardError):
    """A model already awarded was proposed without a reason; `earlier` lists the awards."""

    def __init__(self, message: str, earlier: list) -> None:
        super().__init__(message)
        self.earlier = earlier


def _check_repeats(initiative_ids: Sequence[int], reason: str | None) -> str | None:
    try:
        return repeat_awards.check(initiative_ids, reason)
    except repeat_awards.RepeatedAward as error:
        raise RepeatedAwardError(str(error), error.earlier) from None


class StaleProposal(AwardError):
    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


def _link(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


# --- Award forms (hình thức khen thưởng) ----------------------------------------------------


def seed_default_award_forms() -> int:
    """Add the default catalogue entries that are missing; the number added."""
    existing = set(db.session.scalars(select(AwardForm.name)))
    added = 0
    for position, (name, authority, level) in enumerate(DEFAULT_AWARD_FORMS, start=1):
        if name not in existing:
            db.session.add(AwardForm(name=name, issuing_authority=authority, level=level, position=position * 10))
            added += 1
    db.session.flush()
    return added


def award_forms(*, active_only: bool = False) -> list[AwardForm]:
    query = select(AwardForm).order_by(AwardForm.position, AwardForm.name)
    if active_only:
        query = query.where(AwardForm.is_active.is_(True))
    return list(db.session.scalars(query))


def award_forms_for(organiser, *, active_only: bool = False) -> list[AwardForm]:
    """The forms an organiser proposes: those of its level (Giấy khen của Chủ tịch UBND xã
    at commune level, Bằng khen của Chủ tịch UBND tỉnh at province level). No organiser:
    every form."""
    forms = award_forms(active_only=active_only)
    if organiser is None:
        return forms
    return [form for form in forms if form.fits_level(organiser.level)]


def _check_award_form_name(name: str, exclude_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise AwardError("Vui lòng nhập tên hình thức khen thưởng.")
    query = select(func.count()).where(func.lower(AwardForm.name) == name.lower())
    if exclude_id is not None:
        query = query.where(AwardForm.id != exclude_id)
    if db.session.scalar(query):
        raise AwardError(f"Hình thức “{name}” đã có trong danh mục.")
    return name


def create_award_form(*, name: str, issuing_authority: str, level: AwardLevel, position: int = 0,
                      is_thematic: bool = False, actor=None) -> AwardForm:
    name = _check_award_form_name(name)
    form = AwardForm(name=name, issuing_authority=issuing_authority.strip(), level=level, position=position,
                     is_thematic=bool(is_thematic))
    db.session.add(form)
    db.session.flush()
    record("award_form.create", form, actor=actor,
           changes={"name": [None, name], "level": [None, level], "is_thematic": [None, bool(is_thematic)]})
    return form


def update_award_form(form: AwardForm, *, name: str, issuing_authority: str, level: AwardLevel,
                      position: int, is_active: bool, is_thematic: bool | None = None, actor=None) -> None:
    from ..audit.services import diff

    values = {
        "name": _check_award_form_name(name, exclude_id=form.id),
        "issuing_authority": issuing_authority.strip(),
        "level": level,
        "position": position,
        "is_active": is_active,
        "is_thematic": form.is_thematic if is_thematic is None else bool(is_thematic),
    }
    changes = diff(form, values)
    for key, value in values.items():
        setattr(form, key, value)
    if changes:
        record("award_form.update", form, actor=actor, changes=changes)


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


def _check_version(proposal: Proposal, expected_version: int | None) -> None:
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
    return ProposalLine(
        proposal=proposal,
        position=position,
        recipient_type=recipient.type,
        recipient_key=recipient.key,
        unit_id=initiative.unit_id,
        member_id=recipient.member_id,
        recipient_name=recipient.name,
        recipient_position=recipient.position,
        unit_name=initiative.unit.name,
        initiative_id=initiative.id,
        initiative_name=initiative.name,
        award_form_id=award_form.id,
        achievement_summary=default_summary(initiative, row, proposal.round, recipient.type),
        score=row.total if row is not None else None,
        grade=row.grade.label if row is not None and row.grade is not None else None,
    )


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
    repeat_reason = _check_repeats(initiative_ids, repeat_reason)
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
    _check_version(proposal, expected_version)
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
    repeat_reason = _check_repeats([initiative.id], repeat_reason)
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
    _check_version(proposal, expected_version)
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
    _check_version(proposal, expected_version)
    changes: dict[str, list] = {}
    values = {
        "title": " ".join((details.title or "").split()) or default_title(proposal.round),
        "submission_number": (details.submission_number or "").strip() or None,
        "submission_date": details.submission_date,
        "signer_name": " ".join((details.signer_name or "").split()),
        "signer_title": " ".join((details.signer_title or "").split()),
        "signer_authority": " ".join((details.signer_authority or "").split()),
    }
    from ..audit.services import diff

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
            line.recipient_key = recipient.key
            line.recipient_type = recipient.type
            line.recipient_name = recipient.name
            line.recipient_position = recipient.position
            line.member_id = recipient.member_id
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
    _check_version(proposal, expected_version)
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
    _check_version(proposal, expected_version)
    if proposal.state is not ProposalState.SUBMITTED:
        raise AwardError("Chỉ trả lại được danh sách đã trình.")
    reason = (reason or "").strip()
    if not reason:
        raise AwardError("Vui lòng nhập lý do trả lại.")
    proposal.state = ProposalState.RETURNED
    proposal.return_reason = reason[:4000]
    proposal.decided_at = utcnow()
    db.session.flush()
    record("proposal.return", proposal, actor=actor, label=proposal.title, reason=reason,
           changes={"state": [ProposalState.SUBMITTED.value, ProposalState.RETURNED.value]})


def _check_decision_number_free(proposal: Proposal, decision_number: str) -> None:
    """One number, one decision: an organiser's register (sổ theo dõi khen thưởng) finds a
    decision by its number. Compared without regard to case or surrounding spaces."""
    # Compared in Python: SQLite's lower() leaves "Đ" as it is.
    wanted = " ".join(decision_number.split()).casefold()
    used = next((other for other in db.session.scalars(
        select(Proposal)
        .join(Round, Proposal.round_id == Round.id)
        .where(Proposal.id != proposal.id, Proposal.state == ProposalState.APPROVED,
               Round.organiser_id == proposal.round.organiser_id)
    ) if " ".join((other.decision_number or "").split()).casefold() == wanted), None)
    if used is not None:
        raise AwardError(
            f"Số Quyết định “{decision_number}” đã được dùng cho quyết định khen thưởng khác của cơ quan này "
            f"(danh sách “{used.title}”, ngày {format_day(used.decision_date)}). Vui lòng kiểm tra lại số Quyết định."
        )


def approve_proposal(proposal: Proposal, decision_number: str, decision_date: date | None, *,
                     expected_version: int | None = None, actor=None) -> None:
    """submitted → approved: the Quyết định's number and date are recorded, the awards are
    granted and the staff of every unit concerned is told."""
    _check_version(proposal, expected_version)
    if proposal.state is not ProposalState.SUBMITTED:
        raise AwardError("Chỉ ghi nhận quyết định khen thưởng cho danh sách đã trình.")
    decision_number = (decision_number or "").strip()
    if not decision_number or decision_date is None:
        raise AwardError("Vui lòng nhập số và ngày của Quyết định khen thưởng.")
    if proposal.submission_date and decision_date < proposal.submission_date:
        raise AwardError("Ngày Quyết định không thể trước ngày Tờ trình.")
    _check_decision_number_free(proposal, decision_number[:60])
    proposal.state = ProposalState.APPROVED
    proposal.decision_number = decision_number[:60]
    proposal.decision_date = decision_date
    proposal.decided_at = utcnow()
    db.session.flush()
    record(
        "proposal.approve",
        proposal,
        actor=actor,
        label=proposal.title,
        changes={
            "state": [ProposalState.SUBMITTED.value, ProposalState.APPROVED.value],
            "decision_number": [None, proposal.decision_number],
            "decision_date": [None, decision_date],
        },
    )
    _notify_units(proposal)


def _unit_staff(unit_ids: Iterable[int]) -> list[User]:
    unit_ids = list(set(unit_ids))
    if not unit_ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.STAFF, User.is_active.is_(True), User.unit_id.in_(unit_ids))
        )
    )


def _notify_units(proposal: Proposal) -> None:
    by_unit: dict[int, list[ProposalLine]] = {}
    for line in proposal.lines:
        by_unit.setdefault(line.unit_id, []).append(line)
    for user in _unit_staff(by_unit):
        lines = by_unit[user.unit_id]
        names = "; ".join(f"{line.recipient_name} ({line.award_form.name})" for line in lines[:5])
        more = f" và {len(lines) - 5} khen thưởng khác" if len(lines) > 5 else ""
        notify(
            [user],
            kind="awards.approved",
            title=f"Đơn vị được khen thưởng theo Quyết định số {proposal.decision_number}",
            body=f"{names}{more}.",
            link=_link("awards.unit_history"),
            dedup_key=f"proposal-approved-{proposal.id}",
        )


def revoke_award(line: ProposalLine, reason: str, *, decision_number: str | None = None,
                 decision_date: date | None = None, actor=None) -> AwardRevocation:
    """Hủy bỏ a granted award (Luật Thi đua, khen thưởng, chương VII). Kept forever."""
    if line.proposal.state is not ProposalState.APPROVED:
        raise AwardError("Chỉ hủy được khen thưởng đã có quyết định.")
    if line.revocation is not None:
        raise AwardError("Khen thưởng này đã bị hủy trước đó.")
    reason = (reason or "").strip()
    if not reason:
        raise AwardError("Vui lòng nhập lý do hủy khen thưởng.")
    revocation = AwardRevocation(
        line=line,
        reason=reason[:4000],
        decision_number=(decision_number or "").strip()[:60] or None,
        decision_date=decision_date,
        revoked_by_id=getattr(actor, "id", None),
    )
    db.session.add(revocation)
    db.session.flush()
    record(
        "award.revoke",
        line,
        actor=actor,
        reason=reason,
        label=f"{line.recipient_name} — {line.award_form.name}",
        changes={"Đã hủy": ["Không", "Có"], "decision_number": [None, revocation.decision_number]},
    )
    notify(
        _unit_staff([line.unit_id]),
        kind="awards.revoked",
        title=f"Hủy khen thưởng: {line.recipient_name} ({line.award_form.name})",
        body=reason[:500],
        link=_link("awards.unit_history"),
        dedup_key=f"award-revoked-{line.id}",
    )
    return revocation


def delete_proposal(proposal: Proposal, *, actor=None) -> None:
    if proposal.state is not ProposalState.DRAFT:
        raise AwardError("Chỉ xóa được danh sách đang lập, chưa trình lần nào.")
    if proposal.ballot is not None:
        raise AwardError("Hội đồng đã bỏ phiếu trên danh sách này: không xóa được danh sách.")
    record("proposal.delete", proposal, actor=actor, label=proposal.title,
           changes={"Số dòng": [len(proposal.lines), None]})
    db.session.delete(proposal)
    db.session.flush()


# --- History ----------------------------------------------------------------------------------


def _granted_lines():
    return (
        select(ProposalLine)
        .join(Proposal, ProposalLine.proposal_id == Proposal.id)
        .where(Proposal.state == ProposalState.APPROVED)
        .options(
            selectinload(ProposalLine.proposal),
            selectinload(ProposalLine.award_form),
            selectinload(ProposalLine.revocation),
        )
        .order_by(Proposal.decision_date.desc(), Proposal.id.desc(), ProposalLine.position, ProposalLine.id)
    )


def awards_for_initiative(initiative: Initiative) -> list[ProposalLine]:
    """Awards granted for a model (collective and individual), revoked ones included."""
    return list(db.session.scalars(_granted_lines().where(ProposalLine.initiative_id == initiative.id)))


def awards_for_unit(unit: Unit) -> list[ProposalLine]:
    """Awards granted to a unit or to people of its models, revoked ones included."""
    return list(
        db.session.scalars(
            _granted_lines().where(
                or_(ProposalLine.unit_id == unit.id,
                    ProposalLine.initiative_id.in_(select(Initiative.id).where(Initiative.unit_id == unit.id)))
            )
        )
    )
