"""The decision on a submitted proposal: the Quyết định khen thưởng that grants its awards,
and the later revocation (hủy bỏ) of a granted award. The units concerned are told.

Services flush and never commit; every change is recorded in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from ..audit.services import record
from ..auth.models import User, UserRole
from ..core.formatting import format_day
from ..core.links import page_link
from ..core.roles import Role
from ..core.types import utcnow
from ..extensions import db
from ..notifications.services import notify
from ..scoring.models import Round
from .errors import AwardError
from .models import AwardRevocation, Proposal, ProposalLine, ProposalState
from .proposals import check_version


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
            f"(danh sách “{used.title}”, ngày {format_day(used.decision_date)}). Vui lòng kiểm tra lại số Quyết định.",
            field="decision_number",
        )


def approve_proposal(proposal: Proposal, decision_number: str, decision_date: date | None, *,
                     expected_version: int | None = None, actor=None) -> None:
    """submitted → approved: the Quyết định's number and date are recorded, the awards are
    granted and the staff of every unit concerned is told."""
    check_version(proposal, expected_version)
    if proposal.state is not ProposalState.SUBMITTED:
        raise AwardError("Chỉ ghi nhận quyết định khen thưởng cho danh sách đã trình.")
    decision_number = (decision_number or "").strip()
    if not decision_number or decision_date is None:
        raise AwardError("Vui lòng nhập số và ngày của Quyết định khen thưởng.")
    if proposal.submission_date and decision_date < proposal.submission_date:
        raise AwardError("Ngày Quyết định không thể trước ngày Tờ trình.", field="decision_date")
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
            link=page_link("awards.unit_history"),
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
        raise AwardError("Vui lòng nhập lý do hủy khen thưởng.", field="reason")
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
        link=page_link("awards.unit_history"),
        dedup_key=f"award-revoked-{line.id}",
    )
    return revocation
