"""Đề nghị cấp trên: an organiser sends a model it judged up to its parent organiser, which
accepts it into its own competition of that year or returns it with a reason.

Who may act is decided here, not in the views: the nominating organiser is the one the
user manages now (its secretariat, or the admin acting for it), and the model must stand in
a finalised round of that organiser (which also means it is one of its own units' models or
one its lower level proposed and it accepted). Only the parent's secretariat decides. Every
move is audited (the model's history lists it) and notified. The services flush; the
request commits.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.models import User, UserRole
from ..core.errors import DomainError
from ..core.links import page_link
from ..core.roles import Role
from ..core.timeutil import format_date
from ..core.types import utcnow
from ..extensions import db
from ..notifications.services import notify
from ..registry.models import Initiative
from ..scoring.models import Round, RoundEntry, RoundState
from ..units.models import Unit
from . import access
from .models import Nomination, NominationState, Organiser

MAX_TEXT = 2000


class NominationError(DomainError):
    """A refused proposal or decision; the message is shown to the user as is."""


# --- Reading ---------------------------------------------------------------------------------


def organiser_of_model(initiative: Initiative) -> Organiser | None:
    unit_organiser = select(Unit.organiser_id).where(Unit.id == initiative.unit_id).scalar_subquery()
    return db.session.scalar(select(Organiser).where(Organiser.id == unit_organiser))


def stands_in_finalised_round(initiative_id: int, organiser_id: int) -> bool:
    """True when the model is an entry of a round of `organiser_id` whose result is published."""
    return bool(db.session.scalar(select(exists().where(
        RoundEntry.initiative_id == initiative_id,
        RoundEntry.round_id == Round.id,
        Round.organiser_id == organiser_id,
        Round.state == RoundState.FINALISED,
    ))))


def accepted_by(initiative_id: int, organiser_id: int) -> bool:
    """True when a lower level proposed the model to `organiser_id` and it was accepted."""
    return bool(db.session.scalar(select(exists().where(
        Nomination.initiative_id == initiative_id,
        Nomination.to_organiser_id == organiser_id,
        Nomination.state == NominationState.ACCEPTED,
    ))))


def existing(initiative_id: int, to_organiser_id: int) -> Nomination | None:
    return db.session.scalar(select(Nomination).where(
        Nomination.initiative_id == initiative_id, Nomination.to_organiser_id == to_organiser_id))


def sent_by(organiser_id: int) -> list[Nomination]:
    """The organiser's proposals to its parent, newest first."""
    return list(db.session.scalars(
        select(Nomination).where(Nomination.from_organiser_id == organiser_id)
        .order_by(Nomination.created_at.desc(), Nomination.id.desc())
    ))


def received_by(organiser_id: int) -> list[Nomination]:
    """Proposals of the lower levels to this organiser: those waiting first, then newest."""
    waiting_first = (Nomination.state != NominationState.PENDING)
    return list(db.session.scalars(
        select(Nomination).where(Nomination.to_organiser_id == organiser_id)
        .order_by(waiting_first, Nomination.created_at.desc(), Nomination.id.desc())
    ))


def readable(user, nomination: Nomination) -> bool:
    """The sending and the receiving organiser's readers see a proposal; nobody else."""
    return access.may_read(user, nomination.from_organiser_id) or access.may_read(user, nomination.to_organiser_id)


# --- Proposing -------------------------------------------------------------------------------


def check_nominate(initiative: Initiative, by: User | None) -> tuple[Organiser, Organiser]:
    """The (lower, parent) organisers of a proposal `by` may make now, else NominationError."""
    sender_id = access.managed_organiser_id(by)
    if sender_id is None:
        raise NominationError("Chỉ thường trực của cơ quan tổ chức được đề nghị mô hình lên cấp trên.")
    sender = db.session.get(Organiser, sender_id)
    own = organiser_of_model(initiative)
    if own is None or (own.id != sender.id and not accepted_by(initiative.id, sender.id)):
        owner_name = own.name if own is not None else "cơ quan tổ chức của mô hình"
        raise NominationError(
            f"Mô hình “{initiative.name}” không thuộc phạm vi của {sender.name}: chỉ thường trực của "
            f"{owner_name} được đề nghị mô hình này lên cấp trên."
        )
    if sender.parent_id is None:
        raise NominationError(f"{sender.name} không có cơ quan tổ chức cấp trên để gửi đề nghị.")
    if not stands_in_finalised_round(initiative.id, sender.id):
        raise NominationError(
            f"Mô hình “{initiative.name}” chưa có trong đợt đánh giá nào đã công bố kết quả của {sender.name}: "
            "chỉ đề nghị lên cấp trên mô hình đã được hội đồng cấp mình xét và công bố kết quả."
        )
    parent = db.session.get(Organiser, sender.parent_id)
    already = existing(initiative.id, parent.id)
    if already is not None:
        raise NominationError(_twice_message(initiative, parent, already))
    return sender, parent


def _twice_message(initiative: Initiative, parent: Organiser, already: Nomination) -> str:
    return (
        f"Mô hình “{initiative.name}” đã được đề nghị lên {parent.name} ngày {format_date(already.created_at)} "
        f"({already.state.label.lower()}): mỗi mô hình chỉ đề nghị lên cấp trên một lần."
    )


def nominate(initiative: Initiative, note: str | None, *, by: User | None) -> Nomination:
    """Send `initiative` up to the parent of the organiser `by` manages, with its note."""
    sender, parent = check_nominate(initiative, by)
    note = (note or "").strip()
    if not note:
        raise NominationError("Vui lòng ghi ý kiến đề nghị để cấp trên biết vì sao mô hình xứng đáng.", field="note")
    if len(note) > MAX_TEXT:
        raise NominationError(f"Ý kiến đề nghị dài tối đa {MAX_TEXT:,} ký tự.".replace(",", "."), field="note")
    nomination = Nomination(
        initiative_id=initiative.id, from_organiser_id=sender.id, to_organiser_id=parent.id,
        year=initiative.year, state=NominationState.PENDING, note=note, created_by_id=getattr(by, "id", None),
    )
    try:
        # Two secretaries sending the same model at once: the unique constraint decides.
        with db.session.begin_nested():
            db.session.add(nomination)
            db.session.flush()
    except IntegrityError:
        raise NominationError(_twice_message(initiative, parent, existing(initiative.id, parent.id))) from None
    record("nomination.create", nomination, actor=by, parent=initiative, label=_label(nomination),
           changes={"state": [None, NominationState.PENDING.value], "to_organiser": [None, parent.name],
                    "note": [None, note]})
    notify(
        secretariat_of(parent.id),
        kind="nomination.create",
        title=f"{sender.name} đề nghị mô hình “{initiative.name}” lên cấp trên",
        body="Xem ý kiến đề nghị, rồi nhận mô hình vào xét ở cấp mình hoặc trả lại kèm lý do.",
        link=page_link("nominations.index"),
    )
    return nomination


# --- Deciding --------------------------------------------------------------------------------


def _check_decider(nomination: Nomination, by: User | None) -> None:
    if not access.may_manage(by, nomination.to_organiser_id):
        raise NominationError(
            f"Chỉ thường trực của {nomination.to_organiser.name} được nhận hoặc trả lại đề nghị này."
        )
    _lock(nomination)
    if nomination.state is not NominationState.PENDING:
        raise NominationError(
            f"Đề nghị mô hình “{nomination.initiative.name}” đã được xử lý ({nomination.state.label.lower()}): "
            "không thể nhận hoặc trả lại lần nữa."
        )


def _lock(nomination: Nomination) -> None:
    """Serialise two decisions on the same proposal (two tabs, two secretaries)."""
    db.session.execute(select(Nomination.id).where(Nomination.id == nomination.id).with_for_update())
    db.session.refresh(nomination)


def accept(nomination: Nomination, *, by: User | None) -> None:
    """The parent takes the model into its competition: its rounds of the year may include it."""
    _check_decider(nomination, by)
    _decide(nomination, NominationState.ACCEPTED, by=by)
    record("nomination.accept", nomination, actor=by, parent=nomination.initiative, label=_label(nomination),
           changes={"state": [NominationState.PENDING.value, NominationState.ACCEPTED.value]})
    notify(
        secretariat_of(nomination.from_organiser_id),
        kind="nomination.accept",
        title=f"{nomination.to_organiser.name} đã nhận mô hình “{nomination.initiative.name}” vào xét",
        body="Mô hình được đưa vào cuộc xét chọn của cấp trên năm "
             f"{nomination.year}.",
        link=page_link("nominations.index"),
    )


def return_(nomination: Nomination, reason: str | None, *, by: User | None) -> None:
    """The parent sends the proposal back, saying why. It is not sent again."""
    _check_decider(nomination, by)
    reason = (reason or "").strip()
    if not reason:
        raise NominationError("Vui lòng ghi lý do trả lại để cấp dưới biết.", field="reason")
    if len(reason) > MAX_TEXT:
        raise NominationError(f"Lý do trả lại dài tối đa {MAX_TEXT:,} ký tự.".replace(",", "."), field="reason")
    nomination.reason = reason
    _decide(nomination, NominationState.RETURNED, by=by)
    record("nomination.return", nomination, actor=by, parent=nomination.initiative, label=_label(nomination),
           reason=reason, changes={"state": [NominationState.PENDING.value, NominationState.RETURNED.value]})
    notify(
        secretariat_of(nomination.from_organiser_id),
        kind="nomination.return",
        title=f"{nomination.to_organiser.name} đã trả lại đề nghị mô hình “{nomination.initiative.name}”",
        body=f"Lý do: {reason}",
        link=page_link("nominations.index"),
    )


def _decide(nomination: Nomination, state: NominationState, *, by: User | None) -> None:
    nomination.state = state
    nomination.decided_at = utcnow()
    nomination.decided_by_id = getattr(by, "id", None)
    db.session.flush()


# --- Helpers ---------------------------------------------------------------------------------


def secretariat_of(organiser_id: int) -> list[User]:
    """The active secretariat members of an organiser."""
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.SECRETARIAT, UserRole.organiser_id == organiser_id, User.is_active.is_(True))
    ))


def _label(nomination: Nomination) -> str:
    return (f"{nomination.initiative.name}: {nomination.from_organiser.name} → "
            f"{nomination.to_organiser.name}")


