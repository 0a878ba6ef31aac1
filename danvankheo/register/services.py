"""The register's operations: awards of other bodies entered by hand, the people they name,
and the choice between namesakes. Services flush and never commit; every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlalchemy import select

from ..audit.services import record
from ..awards.models import AwardLevel, ProposalLine, RecipientType
from ..core.errors import DomainError
from ..core.formatting import format_day
from ..core.timeutil import local_today
from ..evidence.filetypes import FileRefused
from ..evidence.services import delete_stored_file, stage_checked_file
from ..extensions import db
from ..registry.models import Initiative
from ..units.models import Unit
from .models import AwardedPerson, CandidateMatch, OutsideAward, name_key

NEW_PERSON = "new"


class PersonChoiceNeeded(DomainError):
    """Someone of that name is already known in that unit: the secretariat says who is meant."""

    def __init__(self, message: str, matches: list[AwardedPerson]) -> None:
        super().__init__(message, field="person_choice")
        self.matches = matches


@dataclass
class OutsideAwardData:
    recipient_type: RecipientType
    unit_id: int | None
    decision_number: str
    decision_date: date | None
    issuing_body: str
    form_name: str
    level: AwardLevel | None
    full_name: str = ""
    person_note: str = ""
    # None: not chosen yet; NEW_PERSON: someone not known yet; else the id of a known person.
    person_choice: str | None = None
    initiative_id: int | None = None
    achievement: str = ""


def people_named(unit_id: int, full_name: str) -> list[AwardedPerson]:
    """Known people of that full name in that unit (matched by name and unit, nothing else)."""
    return list(db.session.scalars(
        select(AwardedPerson).where(AwardedPerson.unit_id == unit_id, AwardedPerson.name_key == name_key(full_name))
        .order_by(AwardedPerson.id)))


def _check(organiser_id: int, data: OutsideAwardData) -> Unit:
    number = data.decision_number.strip()
    if not number:
        raise DomainError("Vui lòng nhập số quyết định khen thưởng.", field="decision_number")
    if data.decision_date is None:
        raise DomainError("Vui lòng nhập ngày quyết định (ngày/tháng/năm).", field="decision_date")
    if data.decision_date > local_today():
        raise DomainError(f"Ngày quyết định {format_day(data.decision_date)} chưa đến: khen thưởng đã có quyết "
                          "định thì ngày quyết định không thể ở tương lai.", field="decision_date")
    if not data.issuing_body.strip():
        raise DomainError("Vui lòng nhập cơ quan ban hành quyết định (ví dụ: Bộ Nội vụ, UBND tỉnh).",
                          field="issuing_body")
    if not data.form_name.strip():
        raise DomainError("Vui lòng nhập hình thức khen thưởng (ví dụ: Bằng khen của Bộ trưởng Bộ Nội vụ).",
                          field="form_name")
    if data.level is None:
        raise DomainError("Vui lòng chọn cấp khen thưởng.", field="level")
    unit = db.session.get(Unit, data.unit_id) if data.unit_id else None
    if unit is None or unit.organiser_id != organiser_id:
        raise DomainError("Vui lòng chọn một đơn vị thuộc phạm vi của cơ quan tổ chức.", field="unit_id")
    if data.initiative_id is not None:
        initiative = db.session.get(Initiative, data.initiative_id)
        if initiative is None or initiative.unit.organiser_id != organiser_id:
            raise DomainError("Mô hình đã chọn không thuộc phạm vi của cơ quan tổ chức.", field="initiative_id")
    return unit


def _person_for(unit: Unit, data: OutsideAwardData) -> AwardedPerson:
    full_name = " ".join(data.full_name.split())
    if not full_name:
        raise DomainError("Vui lòng nhập họ và tên của cá nhân được khen.", field="full_name")
    matches = people_named(unit.id, full_name)
    note = " ".join(data.person_note.split())[:255]
    if data.person_choice in (None, "") and matches:
        raise PersonChoiceNeeded(
            f"Đơn vị {unit.name} đã có {len(matches)} người tên “{full_name}”. Vui lòng chọn đúng người, "
            "hoặc chọn “Người khác” và ghi năm sinh, chức vụ để phân biệt.", matches)
    if data.person_choice in (None, "", NEW_PERSON):
        if matches and (not note or any(name_key(p.note) == name_key(note) for p in matches)):
            raise PersonChoiceNeeded(
                f"Đã có người tên “{full_name}” ở {unit.name}: ghi năm sinh hoặc chức vụ khác để phân biệt "
                "người mới với người đã có.", matches)
        person = AwardedPerson(unit_id=unit.id, full_name=full_name[:255], name_key=name_key(full_name), note=note)
        db.session.add(person)
        db.session.flush()
        return person
    chosen = next((p for p in matches if str(p.id) == str(data.person_choice)), None)
    if chosen is None:
        raise PersonChoiceNeeded("Người đã chọn không trùng họ tên và đơn vị đã nhập. Vui lòng chọn lại.", matches)
    return chosen


def add_outside_award(organiser_id: int, data: OutsideAwardData, *, scan: BinaryIO | None = None,
                      scan_filename: str | None = None, actor=None) -> OutsideAward:
    """Record an award of another body, with an optional scan of its decision."""
    unit = _check(organiser_id, data)
    person = _person_for(unit, data) if data.recipient_type is RecipientType.INDIVIDUAL else None
    award = OutsideAward(
        organiser_id=organiser_id, recipient_type=data.recipient_type, unit_id=unit.id,
        person_id=person.id if person else None, decision_number=data.decision_number.strip()[:60],
        decision_date=data.decision_date, issuing_body=" ".join(data.issuing_body.split())[:255],
        form_name=" ".join(data.form_name.split())[:255], level=data.level, initiative_id=data.initiative_id,
        achievement=(data.achievement or "").strip()[:4000], created_by_id=getattr(actor, "id", None),
    )
    if scan is not None and scan_filename:
        try:
            stored = stage_checked_file(scan, scan_filename)
        except FileRefused as error:
            raise DomainError(str(error), field="scan") from None
        award.scan_storage_key, award.scan_name, award.scan_content_type = (stored.storage_key, stored.name,
                                                                             stored.content_type)
    db.session.add(award)
    db.session.flush()
    record("outside_award.create", award, actor=actor, label=f"{award.recipient_name} — {award.form_name}",
           changes={"Số quyết định": [None, award.decision_number], "Ngày quyết định": [None, award.decision_date],
                    "Cơ quan ban hành": [None, award.issuing_body], "Hình thức": [None, award.form_name],
                    "Bản chụp quyết định": [None, award.scan_name]})
    return award


def delete_outside_award(award: OutsideAward, *, actor=None) -> None:
    """Remove an award entered by mistake; the audit trail keeps what it said."""
    record("outside_award.delete", award, actor=actor, label=f"{award.recipient_name} — {award.form_name}",
           changes={"Số quyết định": [award.decision_number, None], "Cơ quan ban hành": [award.issuing_body, None]})
    delete_stored_file(award.scan_storage_key)
    db.session.delete(award)
    db.session.flush()


def choose_person(line: ProposalLine, person_id: int | None, *, actor=None) -> CandidateMatch | None:
    """Say which of the same-named people a proposal's candidate is (None: undo the choice)."""
    current = db.session.scalar(select(CandidateMatch).where(CandidateMatch.line_id == line.id))
    if person_id is None:
        if current is not None:
            record("candidate_match.clear", line, actor=actor, label=line.recipient_name,
                   changes={"Người được xác định": [current.person.label, None]})
            db.session.delete(current)
            db.session.flush()
        return None
    matches = people_named(line.unit_id, line.recipient_name)
    person = next((p for p in matches if p.id == person_id), None)
    if person is None:
        raise DomainError("Người đã chọn không trùng họ tên và đơn vị với người được đề nghị.", field="person_id")
    before = current.person.label if current else None
    if current is None:
        current = CandidateMatch(line_id=line.id, person_id=person.id)
        db.session.add(current)
    current.person_id, current.chosen_by_id = person.id, getattr(actor, "id", None)
    db.session.flush()
    db.session.refresh(current)
    record("candidate_match.choose", line, actor=actor, label=line.recipient_name,
           changes={"Người được xác định": [before, person.label]})
    return current
