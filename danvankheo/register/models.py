"""Khen thưởng ngoài ứng dụng: awards that other bodies (the level above, a ministry) granted
to the organiser's units and people, entered by hand from their decisions, and the people
they name.

An individual is not a user: `AwardedPerson` is a full name in a unit, created only when the
secretariat says that nobody already known is meant. Two people with the same name in the
same unit are two rows, told apart by `note` (year of birth, position); a candidate of a
proposal who matches both is linked to one of them by the secretariat (`CandidateMatch`),
never by the software.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..awards.models import AwardLevel, ProposalLine, RecipientType
from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db
from ..registry.models import Initiative
from ..units.models import Unit


def name_key(name: str | None) -> str:
    """The form two full names are compared in: NFC, case-folded, single spaces. Diacritics
    are kept: "Nguyễn Văn Ân" and "Nguyễn Văn An" are two people."""
    text = unicodedata.normalize("NFC", name or "")
    return " ".join(text.split()).casefold()


class AwardedPerson(db.Model):
    """Một cá nhân được khen: a full name in a unit, with what tells namesakes apart."""

    __tablename__ = "awarded_persons"
    __table_args__ = (CheckConstraint("full_name <> ''", name="named"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    full_name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255), index=True)
    note: Mapped[str] = mapped_column(String(255), default="")  # năm sinh, chức vụ…
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    outside_awards: Mapped[list[OutsideAward]] = relationship(back_populates="person")

    @property
    def label(self) -> str:
        return f"{self.full_name} ({self.note})" if self.note else self.full_name


class OutsideAward(db.Model):
    """One award from another body's decision, entered by the secretariat of `organiser_id`."""

    __tablename__ = "outside_awards"
    __table_args__ = (
        CheckConstraint("issuing_body <> ''", name="issuing_body_named"),
        CheckConstraint("decision_number <> ''", name="decision_numbered"),
        CheckConstraint("form_name <> ''", name="form_named"),
        CheckConstraint("(recipient_type = 'individual') = (person_id IS NOT NULL)", name="individual_has_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="RESTRICT"), index=True)
    recipient_type: Mapped[RecipientType] = mapped_column(enum_column(RecipientType, "recipient_type"))
    # The collective recipient, or the unit the person works in.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("awarded_persons.id", ondelete="RESTRICT"), index=True)
    decision_number: Mapped[str] = mapped_column(String(60))
    decision_date: Mapped[date] = mapped_column(Date, index=True)
    issuing_body: Mapped[str] = mapped_column(String(255))  # cơ quan ban hành quyết định
    form_name: Mapped[str] = mapped_column(String(255))  # "Bằng khen của Bộ trưởng Bộ Nội vụ"
    level: Mapped[AwardLevel] = mapped_column(enum_column(AwardLevel, "award_level"))
    # The achievement (model) it was given for, when it is one of the registry's: the "one
    # achievement, one award" check (issue 20) counts it.
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id", ondelete="SET NULL"), index=True)
    achievement: Mapped[str] = mapped_column(Text, default="")
    scan_storage_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    scan_name: Mapped[str | None] = mapped_column(String(255))
    scan_content_type: Mapped[str | None] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    person: Mapped[AwardedPerson | None] = relationship(back_populates="outside_awards")
    initiative: Mapped[Initiative | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def recipient_name(self) -> str:
        return self.person.full_name if self.person is not None else self.unit.name


class CandidateMatch(db.Model):
    """Which of several same-named people a proposal's candidate is, as the secretariat chose."""

    __tablename__ = "candidate_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("proposal_lines.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("awarded_persons.id", ondelete="CASCADE"), index=True)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    line: Mapped[ProposalLine] = relationship()
    person: Mapped[AwardedPerson] = relationship()
