from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.labels import LabelledEnum
from ..core.text import sort_key
from ..core.types import UTCDateTime, enum_column, sort_key_column, utcnow
from ..extensions import db


class UnitKind(LabelledEnum):
    """Kinds of unit. Which kinds must register a model each year is a setting."""

    PROVINCE = "Tỉnh/thành phố"
    DEPARTMENT = "Sở, ban, ngành"
    COMMUNE = "UBND xã/phường/đặc khu"
    DISTRICT = "Huyện (trước 01/7/2025)"
    DIVISION = "Phòng chuyên môn"
    PUBLIC_SERVICE = "Đơn vị sự nghiệp"
    MASS_ORGANISATION = "MTTQ, đoàn thể"
    OTHER = "Khác"


class Unit(db.Model):
    """Đơn vị. Never deleted once it has data: merged or dissolved units are deactivated.

    `path` materialises the ancestry ("/1/4/17/") so that "this unit and everything below
    it" is one indexed prefix match, used by filters and by conflict-of-interest checks.
    """

    __tablename__ = "units"
    __table_args__ = (CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    sort_name: Mapped[str] = mapped_column(sort_key_column(), index=True)
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "unit_kind"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="RESTRICT"), index=True
    )
    path: Mapped[str] = mapped_column(String(400), index=True, default="")
    # The organiser whose competition the unit takes part in: the nearest organiser at or
    # above it, else the default one. Derived; kept by organisers.services.
    organiser_id: Mapped[int | None] = mapped_column(index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"

    def set_name(self, name: str) -> None:
        self.name = name.strip()
        self.sort_name = sort_key(self.name)

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or lies below it in the tree."""
        return self.path.startswith(other.path)

    def ancestors(self) -> list[Unit]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part][:-1]
        if not ids:
            return []
        units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
        return [units[i] for i in ids if i in units]
