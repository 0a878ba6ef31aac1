"""Certificate layouts (per award form) and printer calibration (per organiser).

A layout says, in millimetres from the top left corner of the paper, where each field of the
certificate goes, in which font, size and alignment, and how small the text may shrink to fit.
Award forms without a stored layout print with the defaults of `layouts.default_layout`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..awards.models import AwardForm
from ..core.labels import LabelledEnum
from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db
from ..organisers.models import Organiser


class PaperSize(enum.Enum):
    A4 = "a4"
    A3 = "a3"

    @property
    def label(self) -> str:
        return self.name

    @property
    def millimetres(self) -> tuple[int, int]:
        """(short side, long side)."""
        return (210, 297) if self is PaperSize.A4 else (297, 420)


class Orientation(LabelledEnum):
    PORTRAIT = "Khổ dọc"
    LANDSCAPE = "Khổ ngang"


class CertificateField(LabelledEnum):
    """What a certificate prints, in the order the layout form lists it."""

    AWARD_FORM = "Hình thức khen thưởng"
    RECIPIENT = "Tên tập thể / Họ và tên"
    RECIPIENT_DETAIL = "Chức vụ, đơn vị (cá nhân)"
    ACHIEVEMENT = "Thành tích"
    DECISION = "Số, ngày Quyết định"
    PLACE_DATE = "Địa danh, ngày tháng"
    SIGNER_TITLE = "Chức vụ người ký"
    SIGNER_NAME = "Họ tên người ký"


class FontFace(LabelledEnum):
    """The embedded faces: Liberation Serif has Times New Roman's metrics, DejaVu Sans is the
    sans-serif with the widest Vietnamese coverage; both are Debian packages."""

    SERIF = "Có chân (Times New Roman)"
    SERIF_BOLD = "Có chân, đậm"
    SERIF_ITALIC = "Có chân, nghiêng"
    SERIF_BOLD_ITALIC = "Có chân, đậm nghiêng"
    SANS = "Không chân"
    SANS_BOLD = "Không chân, đậm"


class Alignment(LabelledEnum):
    LEFT = "Trái"
    CENTER = "Giữa"
    RIGHT = "Phải"


MM = Numeric(6, 1)


class CertificateLayout(db.Model):
    """Mẫu in phôi of one award form: the paper and, in `fields`, one box per printed field."""

    __tablename__ = "certificate_layouts"
    __table_args__ = (CheckConstraint("achievement_wording <> ''", name="wording_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_form_id: Mapped[int] = mapped_column(ForeignKey("award_forms.id", ondelete="CASCADE"), unique=True)
    paper: Mapped[PaperSize] = mapped_column(enum_column(PaperSize, "paper_size"))
    orientation: Mapped[Orientation] = mapped_column(enum_column(Orientation, "paper_orientation"))
    # The sentence printed as the achievement; {mo_hinh} and {nam} are filled in per line.
    achievement_wording: Mapped[str] = mapped_column(String(500))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    award_form: Mapped[AwardForm] = relationship()
    updated_by: Mapped[User | None] = relationship()
    fields: Mapped[list[CertificateLayoutField]] = relationship(
        back_populates="layout", cascade="all, delete-orphan", order_by="CertificateLayoutField.id"
    )


class CertificateLayoutField(db.Model):
    """The box of one field on the paper, in millimetres from the top left corner."""

    __tablename__ = "certificate_layout_fields"
    __table_args__ = (
        UniqueConstraint("layout_id", "field"),
        CheckConstraint("x_mm >= 0 AND y_mm >= 0", name="box_on_paper"),
        CheckConstraint("w_mm > 0 AND h_mm > 0", name="box_not_empty"),
        CheckConstraint("min_size_pt > 0 AND min_size_pt <= size_pt", name="min_size_within_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    layout_id: Mapped[int] = mapped_column(ForeignKey("certificate_layouts.id", ondelete="CASCADE"), index=True)
    field: Mapped[CertificateField] = mapped_column(enum_column(CertificateField, "certificate_field"))
    is_printed: Mapped[bool] = mapped_column(default=True)
    x_mm: Mapped[Decimal] = mapped_column(MM)
    y_mm: Mapped[Decimal] = mapped_column(MM)
    w_mm: Mapped[Decimal] = mapped_column(MM)
    h_mm: Mapped[Decimal] = mapped_column(MM)
    font: Mapped[FontFace] = mapped_column(enum_column(FontFace, "certificate_font"))
    size_pt: Mapped[Decimal] = mapped_column(MM)
    min_size_pt: Mapped[Decimal] = mapped_column(MM)
    align: Mapped[Alignment] = mapped_column(enum_column(Alignment, "certificate_align"))

    layout: Mapped[CertificateLayout] = relationship(back_populates="fields")


MAX_OFFSET_MM = 20


class CertificateSettings(db.Model):
    """Căn chỉnh máy in of one organiser: how far its printer puts text from where it is asked
    to, corrected by moving every box; and who signs its certificates."""

    __tablename__ = "certificate_settings"
    __table_args__ = (
        CheckConstraint(f"offset_x_mm BETWEEN -{MAX_OFFSET_MM} AND {MAX_OFFSET_MM}", name="offset_x_range"),
        CheckConstraint(f"offset_y_mm BETWEEN -{MAX_OFFSET_MM} AND {MAX_OFFSET_MM}", name="offset_y_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="CASCADE"), unique=True)
    offset_x_mm: Mapped[Decimal] = mapped_column(MM, default=Decimal(0))
    offset_y_mm: Mapped[Decimal] = mapped_column(MM, default=Decimal(0))
    # The certificate's signer ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", name); empty → the organiser's
    # document names, then the award form's issuing authority.
    signer_authority: Mapped[str] = mapped_column(String(120), default="")
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    signer_name: Mapped[str] = mapped_column(String(255), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organiser: Mapped[Organiser] = relationship()
    updated_by: Mapped[User | None] = relationship()
