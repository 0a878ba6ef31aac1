"""A supervision opinion (ý kiến giám sát) of the Mặt trận Tổ quốc or a mass organisation on
one accepted model, and every version of it.

One opinion per model and author: revising it writes a new version, the earlier ones stay
(with their files) so that the council and the audit can see what was said when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..auth.models import User
from ..core.checks import positive
from ..core.labels import LabelledEnum
from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db
from ..registry.models import Initiative

TEXT_LIMIT = 4000  # characters of an opinion's text


class Stance(LabelledEnum):
    """Whether the supervisor agrees with the results the unit claims."""

    AGREE = "Đồng ý với kết quả đơn vị nêu"
    PARTLY = "Đồng ý một phần"
    DISAGREE = "Không đồng ý với kết quả đơn vị nêu"


def _content_checks() -> tuple[CheckConstraint, ...]:
    """The checks on what an opinion and each of its versions hold; new ones for each table,
    since a constraint belongs to one."""
    return (
        CheckConstraint(f"length(text) >= 1 AND length(text) <= {TEXT_LIMIT}", name="text_length"),
        CheckConstraint("(file_storage_key IS NULL) = (file_name IS NULL) AND (file_storage_key IS NULL) = "
                        "(file_type IS NULL) AND (file_storage_key IS NULL) = (file_size IS NULL)", name="file_complete"),
        positive("version"),
    )


class _OpinionContent:
    """The fields an opinion and each of its versions hold."""

    @declared_attr
    def stance(cls) -> Mapped[Stance]:
        # A type of its own per table: its CHECK constraint belongs to that table.
        return mapped_column(enum_column(Stance, "supervision_stance"))

    text: Mapped[str] = mapped_column(Text)
    # An optional file, checked and stored like evidence (evidence.services.stage_checked_file).
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_storage_key: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column(BigInteger)

    @property
    def has_file(self) -> bool:
        return self.file_storage_key is not None


class SupervisionOpinion(_OpinionContent, db.Model):
    """The current opinion of one supervisor on one model."""

    __tablename__ = "supervision_opinions"
    __table_args__ = (UniqueConstraint("initiative_id", "author_id"), *_content_checks())

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    # The organiser the author supervised for: the model's organiser when it was written.
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="RESTRICT"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # Who speaks: the author's body ("Ủy ban MTTQ tỉnh", "Hội Liên hiệp Phụ nữ tỉnh") as written then.
    body_name: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    initiative: Mapped[Initiative] = relationship()
    author: Mapped[User] = relationship()
    versions: Mapped[list[SupervisionOpinionVersion]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", order_by="SupervisionOpinionVersion.version"
    )

    def __repr__(self) -> str:
        return f"<SupervisionOpinion {self.id} {self.stance.value} v{self.version}>"


class SupervisionOpinionVersion(_OpinionContent, db.Model):
    """One saved state of an opinion; version 1 is the first opinion."""

    __tablename__ = "supervision_opinion_versions"
    __table_args__ = (UniqueConstraint("opinion_id", "version"), *_content_checks())

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("supervision_opinions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    opinion: Mapped[SupervisionOpinion] = relationship(back_populates="versions")
