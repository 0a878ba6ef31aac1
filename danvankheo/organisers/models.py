"""Organisers: the units that run a competition of their own (the province through Sở Nội vụ,
each UBND xã/phường, optionally a sở for its subordinate units), and the models one organiser
proposes up to the organiser above it.

Every unit belongs to the nearest organiser at or above it (`Unit.organiser_id`, maintained by
`services.refresh_unit_organisers`). An organiser's own scope is its unit subtree without the
subtrees of the organisers nested inside it; its observers read the whole subtree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..core.labels import LabelledEnum
from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db


class OrganiserLevel(LabelledEnum):
    """The level an organiser awards at: it decides which award forms it may propose."""

    COMMUNE = "Cấp xã (Giấy khen của Chủ tịch UBND xã)"
    DEPARTMENT = "Cấp sở, ban, ngành (Giấy khen của Giám đốc Sở)"
    PROVINCE = "Cấp tỉnh (Bằng khen của Chủ tịch UBND tỉnh)"


class Organiser(db.Model):
    """Cơ quan tổ chức phong trào: a unit that runs its own rounds, council and awards.

    The names printed on its documents are its own; an empty one falls back to the
    deployment's setting in config.py (which is how the organiser made from an older
    database keeps printing what it printed before).
    """

    __tablename__ = "organisers"
    __table_args__ = (CheckConstraint("vote_threshold_percent BETWEEN 1 AND 100", name="threshold_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), unique=True)
    level: Mapped[OrganiserLevel] = mapped_column(enum_column(OrganiserLevel, "organiser_level"))
    # The organiser above (derived from the unit tree by services.refresh_unit_organisers).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id", ondelete="SET NULL"), index=True)
    # The deployment's default organiser takes the units outside every organiser's subtree.
    is_default: Mapped[bool] = mapped_column(default=False)
    # Thường trực Hội đồng: "Sở Nội vụ", "Văn phòng HĐND và UBND xã".
    secretariat_name: Mapped[str] = mapped_column(String(255), default="")
    parent_body_name: Mapped[str] = mapped_column(String(255), default="")  # cơ quan chủ quản
    issuing_body_name: Mapped[str] = mapped_column(String(255), default="")  # cơ quan ban hành
    number_suffix: Mapped[str] = mapped_column(String(40), default="")  # "SNV", "VP"
    place_name: Mapped[str] = mapped_column(String(120), default="")  # địa danh
    signer_authority: Mapped[str] = mapped_column(String(120), default="")  # "KT. GIÁM ĐỐC"
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    signer_name: Mapped[str] = mapped_column(String(255), default="")
    decision_body_name: Mapped[str] = mapped_column(String(255), default="")  # ban hành Quyết định
    decision_number_suffix: Mapped[str] = mapped_column(String(40), default="")
    submission_addressee: Mapped[str] = mapped_column(String(255), default="")  # Kính gửi của Tờ trình
    # The share of the council's members whose "đồng ý" a candidate needs.
    vote_threshold_percent: Mapped[int] = mapped_column(default=51)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit = relationship("Unit", foreign_keys=[unit_id], lazy="joined")
    parent: Mapped[Organiser | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Organiser {self.id} unit={self.unit_id}>"

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def path(self) -> str:
        return self.unit.path


class NominationState(LabelledEnum):
    PENDING = "Chờ cấp trên xem xét"
    ACCEPTED = "Cấp trên đã nhận vào xét"
    RETURNED = "Cấp trên đã trả lại"


class Nomination(db.Model):
    """Đề nghị cấp trên: a model judged by one organiser, sent up to the organiser above.

    The parent accepts it into its own competition of that year (then its rounds may take
    it in) or returns it with a reason. A model goes up once: a returned nomination stays on
    record and is not sent again.
    """

    __tablename__ = "nominations"
    __table_args__ = (
        UniqueConstraint("initiative_id", "to_organiser_id"),  # once per parent
        CheckConstraint("from_organiser_id <> to_organiser_id", name="upward"),
        CheckConstraint("state <> 'returned' OR (reason IS NOT NULL AND reason <> '')", name="returned_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="RESTRICT"), index=True)
    from_organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="RESTRICT"), index=True)
    to_organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    state: Mapped[NominationState] = mapped_column(
        enum_column(NominationState, "nomination_state"), default=NominationState.PENDING
    )
    note: Mapped[str | None] = mapped_column(Text)  # the lower level's recommendation
    reason: Mapped[str | None] = mapped_column(Text)  # why the parent returned it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    initiative = relationship("Initiative", lazy="joined")
    from_organiser: Mapped[Organiser] = relationship(foreign_keys=[from_organiser_id])
    to_organiser: Mapped[Organiser] = relationship(foreign_keys=[to_organiser_id])

    def __repr__(self) -> str:
        return f"<Nomination {self.initiative_id} {self.from_organiser_id}->{self.to_organiser_id}>"


OWNED_TABLES = ("rounds", "submission_deadlines")


@event.listens_for(Session, "before_flush")
def _owned_by_default_organiser(session: Session, flush_context, instances) -> None:
    """A round or deadline created without naming its organiser belongs to the deployment's
    default organiser (a single-organiser deployment never names one)."""
    pending = [obj for obj in session.new
               if getattr(type(obj), "__tablename__", None) in OWNED_TABLES and obj.organiser_id is None]
    if not pending:
        return
    with session.no_autoflush:
        default_id = session.scalar(select(Organiser.id).where(Organiser.is_default.is_(True)))
    for obj in pending:
        obj.organiser_id = default_id
