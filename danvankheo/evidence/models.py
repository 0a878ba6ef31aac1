from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from ..registry.models import Initiative
from .filetypes import FILE_TYPES, FileType


class Evidence(db.Model):
    """One evidence file (minh chứng) of a model.

    The bytes live in the storage under `storage_key`, a random name; the user's original
    (often Vietnamese) name is kept for display and download only. `content_type` is the
    type decided from the file's content, never from its name.
    """

    __tablename__ = "evidence_files"
    __table_args__ = (
        UniqueConstraint("initiative_id", "sha256"),
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    is_public: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    initiative: Mapped[Initiative] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Evidence {self.id} {self.content_type}>"

    @property
    def file_type(self) -> FileType | None:
        return next((t for t in FILE_TYPES.values() if t.mimetype == self.content_type), None)

    @property
    def size_label(self) -> str:
        """The size the Vietnamese way: "512 byte", "35 KB", "1,4 MB"."""
        if self.size < 1024:
            return f"{self.size} byte"
        if self.size < 1024 * 1024:
            return f"{round(self.size / 1024)} KB"
        from ..core.formatting import format_number

        return f"{format_number(self.size / (1024 * 1024), 1)} MB"

    @property
    def is_image(self) -> bool:
        return bool(self.file_type and self.file_type.is_image)

    @property
    def opens_inline(self) -> bool:
        """Images and PDFs open in the browser; everything else is downloaded."""
        return bool(self.file_type and self.file_type.inline)
