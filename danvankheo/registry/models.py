"""A "Dân vận khéo" model (mô hình) and its dossier.

The entity is called `Initiative` in code so it never collides with ORM vocabulary;
the interface says "mô hình".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.checks import non_negative, year_in_range
from ..core.labels import LabelledEnum
from ..core.text import fold, sort_key
from ..core.types import UTCDateTime, enum_column, sort_key_column, utcnow
from ..extensions import db
from ..units.models import Unit, UnitKind

if TYPE_CHECKING:
    from ..evidence.models import Evidence


class Field(LabelledEnum):
    """Lĩnh vực: the four fields of the movement."""

    ECONOMY = "Kinh tế"
    CULTURE_SOCIETY = "Văn hóa - xã hội"
    DEFENCE_SECURITY = "Quốc phòng - an ninh"
    POLITICAL_SYSTEM = "Xây dựng hệ thống chính trị"


class InitiativeKind(LabelledEnum):
    """Tập thể (a collective model) or cá nhân (an individual exemplar, "điển hình")."""

    COLLECTIVE = "Tập thể"
    INDIVIDUAL = "Cá nhân"


class Status(LabelledEnum):
    DRAFT = "Bản nháp"
    SUBMITTED = "Đã nộp"
    RETURNED = "Trả lại để bổ sung"
    ACCEPTED = "Đã tiếp nhận"
    REJECTED = "Không tiếp nhận"
    WITHDRAWN = "Đã rút"


# Statuses in which the unit may still change the dossier and its evidence.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED, Status.WITHDRAWN})
# Statuses that the secretariat and observers see. A withdrawn model is back in the unit's
# hands and, like a draft, invisible outside it.
SUBMITTED_STATUSES = frozenset({Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED, Status.REJECTED})


class InitiativeTally(db.Model):
    """How many models a unit has in a year, by status, field ("" for none) and lateness; kept
    by `registry.tallies` in the transaction that changes a model, read by the counting pages."""

    __tablename__ = "initiative_tallies"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "status", "field", "is_late"),
        non_negative("count", name="count_not_negative"),
        CheckConstraint("field IN ('', " + ", ".join(f"'{f.value}'" for f in Field) + ")", name="field_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    year: Mapped[int]
    status: Mapped[Status] = mapped_column(enum_column(Status, "initiative_status"))
    field: Mapped[str] = mapped_column(String(24), default="")
    is_late: Mapped[bool] = mapped_column(default=False)
    count: Mapped[int] = mapped_column(default=0)


class Initiative(db.Model):
    """Mô hình "Dân vận khéo" with its full dossier (hồ sơ)."""

    __tablename__ = "initiatives"
    __table_args__ = (
        year_in_range(),
        non_negative("budget_state"),
        non_negative("budget_social"),
        non_negative("workdays"),
        non_negative("beneficiaries"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="dates_ordered",
        ),
        CheckConstraint("continues_id IS NULL OR continues_id <> id", name="not_continuing_itself"),
        CheckConstraint("replicates_id IS NULL OR replicates_id <> id", name="not_replicating_itself"),
        Index("ix_initiatives_year_status", "year", "status"),
        Index("ix_initiatives_unit_year", "unit_id", "year"),
        # The library's count of accepted models per field, read off the index alone.
        Index("ix_initiatives_status_field", "status", "field"),
        # The periodic report's counts per unit and field, read off the index alone on
        # PostgreSQL (a national year: 92,700 rows, 30 ms instead of 150 ms through the table).
        Index("ix_initiatives_period", "year", "unit_id", "field",
              postgresql_include=["status", "submitted_at", "registered_at", "accepted_at"]),
        # PostgreSQL, for national scale: the list's order (newest year, then name) read off an
        # index instead of sorting every visible model, and a trigram index so that
        # `search_text LIKE '%term%'` stays fast (pg_trgm is created before the tables, see
        # danvankheo/ops/pg.py; SQLite ignores the postgresql_* options).
        Index("ix_initiatives_listing", text("year DESC"), "sort_name", "id").ddl_if(dialect="postgresql"),
        Index(
            "ix_initiatives_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The columns counted by `InitiativeTally` load their old value when set (active_history), so
    # that the count can be moved from the old key to the new one.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), active_history=True)
    year: Mapped[int] = mapped_column(active_history=True)
    name: Mapped[str] = mapped_column(String(500))
    sort_name: Mapped[str] = mapped_column(sort_key_column(), index=True)
    field: Mapped[Field | None] = mapped_column(enum_column(Field, "initiative_field"), active_history=True)
    kind: Mapped[InitiativeKind] = mapped_column(
        enum_column(InitiativeKind, "initiative_kind"), default=InitiativeKind.COLLECTIVE
    )
    situation: Mapped[str] = mapped_column(Text, default="")  # thực trạng, lý do
    goals: Mapped[str] = mapped_column(Text, default="")  # mục tiêu
    content_method: Mapped[str] = mapped_column(Text, default="")  # nội dung, cách thức
    area: Mapped[str] = mapped_column(Text, default="")  # địa bàn
    target_group: Mapped[str] = mapped_column(Text, default="")  # đối tượng
    lead_name: Mapped[str] = mapped_column(String(255), default="")
    lead_position: Mapped[str] = mapped_column(String(255), default="")
    lead_phone: Mapped[str] = mapped_column(String(40), default="")
    budget_state: Mapped[int] = mapped_column(BigInteger, default=0)  # kinh phí ngân sách, VND
    budget_social: Mapped[int] = mapped_column(BigInteger, default=0)  # kinh phí xã hội hóa, VND
    workdays: Mapped[int] = mapped_column(default=0)  # ngày công
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    is_ongoing: Mapped[bool] = mapped_column(default=True)
    results_quantitative: Mapped[str] = mapped_column(Text, default="")
    results_qualitative: Mapped[str] = mapped_column(Text, default="")
    beneficiaries: Mapped[int] = mapped_column(default=0)  # số người hưởng lợi
    sustainability: Mapped[str] = mapped_column(Text, default="")  # duy trì, nhân rộng
    continues_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL"), index=True
    )
    replicates_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL"), index=True
    )

    status: Mapped[Status] = mapped_column(
        enum_column(Status, "initiative_status"), default=Status.DRAFT, active_history=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When it was registered and last accepted, kept from its steps by registry.step_dates.
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_late: Mapped[bool] = mapped_column(default=False, active_history=True)
    # Accent-folded text of the name, unit and tags, for diacritics-insensitive search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Optimistic locking: a stale form cannot overwrite a newer save.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()
    continues: Mapped[Initiative | None] = relationship(
        remote_side=[id], foreign_keys=[continues_id]
    )
    replicates: Mapped[Initiative | None] = relationship(
        remote_side=[id], foreign_keys=[replicates_id]
    )
    members: Mapped[list[InitiativeMember]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="InitiativeMember.position_order",
    )
    tags: Mapped[list[InitiativeTag]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="InitiativeTag.tag"
    )
    transitions: Mapped[list[Transition]] = relationship(
        back_populates="initiative", order_by="Transition.id"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="initiative", order_by="Evidence.id", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.year} {self.status.value}>"

    @hybrid_property
    def queued_at(self) -> datetime:
        """When the model joined the review queue: its submission, or its creation for a model
        recorded as submitted without a time (the queue is paged by key, which allows no NULL)."""
        return self.submitted_at or self.created_at

    @queued_at.inplace.expression
    @classmethod
    def _queued_at_expression(cls) -> ColumnElement[datetime]:
        return func.coalesce(cls.submitted_at, cls.created_at)

    def set_name(self, name: str) -> None:
        self.name = name.strip()
        self.sort_name = sort_key(self.name)

    def refresh_search_text(self) -> None:
        parts = [self.name, self.unit.name if self.unit else "", *(t.tag for t in self.tags)]
        self.search_text = fold(" ".join(parts))

    def set_tags(self, tags: list[str]) -> None:
        """Replace the topic tags; rows that stay are kept so their keys never clash."""
        cleaned: list[str] = []
        seen: set[str] = set()
        for tag in tags:
            tag = " ".join(tag.split())[:100]
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                cleaned.append(tag)
        keep = [t for t in self.tags if t.tag in cleaned]
        have = {t.tag for t in keep}
        self.tags = keep + [InitiativeTag(tag=t) for t in cleaned if t not in have]

    def set_members(self, members: list[tuple[str, str]]) -> None:
        """Replace the members with (full name, position) pairs, in the given order."""
        self.members = [
            InitiativeMember(full_name=name, position=position, position_order=order)
            for order, (name, position) in enumerate(members)
        ]

    @property
    def tag_list(self) -> list[str]:
        return [t.tag for t in self.tags]

    @property
    def is_editable(self) -> bool:
        """The dossier and its evidence are read-only once submitted, until returned."""
        return self.status in EDITABLE_STATUSES

    @property
    def has_been_submitted(self) -> bool:
        """Submitted and not taken back: what the secretariat and observers may read."""
        return self.status in SUBMITTED_STATUSES

    @property
    def total_budget(self) -> int:
        return (self.budget_state or 0) + (self.budget_social or 0)


class InitiativeMember(db.Model):
    """A member of the team that carries out the model (lực lượng thực hiện)."""

    __tablename__ = "initiative_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(255))
    position: Mapped[str] = mapped_column(String(255), default="")  # chức vụ
    position_order: Mapped[int] = mapped_column(default=0)

    initiative: Mapped[Initiative] = relationship(back_populates="members")


class InitiativeTag(db.Model):
    """A free topic tag (chủ đề) beside the fixed field."""

    __tablename__ = "initiative_tags"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)

    initiative: Mapped[Initiative] = relationship(back_populates="tags")


class Transition(db.Model):
    """One step of the workflow: who moved the model from which state to which, and why."""

    __tablename__ = "initiative_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[Status | None] = mapped_column(enum_column(Status, "transition_from"))
    to_status: Mapped[Status] = mapped_column(enum_column(Status, "transition_to"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    is_late: Mapped[bool] = mapped_column(default=False)

    initiative: Mapped[Initiative] = relationship(back_populates="transitions")
    actor: Mapped[User | None] = relationship()


class SubmissionDeadline(db.Model):
    """Hạn nộp: the submission deadline of one year, and which kinds of unit must register.

    A year without a row uses the defaults (15 October 23:59 local time; departments and
    communes), so nothing has to be set up before units can start.
    """

    __tablename__ = "submission_deadlines"
    __table_args__ = (
        year_in_range(),
        UniqueConstraint("organiser_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Each organiser sets the deadline of its own competition.
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column()
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User | None] = relationship()
    # The units of these kinds must register this year, in the order the secretariat chose.
    kind_rows: Mapped[list[SubmissionDeadlineKind]] = relationship(
        back_populates="deadline", cascade="all, delete-orphan", lazy="selectin",
        order_by="SubmissionDeadlineKind.position",
    )

    @property
    def scope_kinds(self) -> list[UnitKind]:
        return [row.unit_kind for row in self.kind_rows]

    @scope_kinds.setter
    def scope_kinds(self, kinds: list[UnitKind]) -> None:
        """Keep the rows of kinds still chosen (no delete and insert of the same key)."""
        kept = {row.unit_kind: row for row in self.kind_rows}
        rows = []
        for position, kind in enumerate(dict.fromkeys(kinds)):
            row = kept.get(kind) or SubmissionDeadlineKind(unit_kind=kind)
            row.position = position
            rows.append(row)
        self.kind_rows = rows


class SubmissionDeadlineKind(db.Model):
    """One kind of unit that must register under a year's deadline."""

    __tablename__ = "submission_deadline_kinds"

    deadline_id: Mapped[int] = mapped_column(
        ForeignKey("submission_deadlines.id", ondelete="CASCADE"), primary_key=True
    )
    unit_kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "deadline_unit_kind"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    deadline: Mapped[SubmissionDeadline] = relationship(back_populates="kind_rows")


class DeadlineExtension(db.Model):
    """Gia hạn: one unit may submit its models of `year` until `until`."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (
        UniqueConstraint("year", "unit_id"),
        year_in_range(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    granted_by: Mapped[User | None] = relationship()
