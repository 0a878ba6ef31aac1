from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.labels import LabelledEnum
from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db


class NotificationKind(str, LabelledEnum):
    """What a notification is about (equal to its stored value, as callers pass it). Every kind a feature sends is listed here: `notify` refuses
    any other, and the column's CHECK constraint too."""

    INITIATIVE_SUBMITTED = "Mô hình được nộp"
    INITIATIVE_RETURNED = "Mô hình được trả lại để bổ sung"
    INITIATIVE_ACCEPTED = "Mô hình được tiếp nhận"
    INITIATIVE_REJECTED = "Mô hình không được tiếp nhận"
    DEADLINE_7_DAYS = "Nhắc hạn nộp: còn 7 ngày"
    DEADLINE_1_DAYS = "Nhắc hạn nộp: còn 1 ngày"
    DEADLINE_REMINDER_MANUAL = "Nhắc đơn vị chưa đăng ký"
    DEADLINE_EXTENDED = "Gia hạn nộp mô hình"
    DEADLINE_EXTENSION_REVOKED = "Hủy gia hạn nộp mô hình"
    SCORING_CLOSING = "Sắp hết hạn chấm điểm"
    SCORING_ASSIGNED = ("scoring.assigned", "Phân công chấm")
    SCORING_RECUSAL = ("scoring.recusal", "Thành viên từ chối chấm")
    SCORING_DISCUSSION = ("scoring.discussion", "Thảo luận của Hội đồng")
    SCORING_SCORECARD_REOPENED = ("scoring.scorecard_reopened", "Phiếu chấm được mở lại")
    SCORING_FINALISED = ("scoring.finalised", "Kết quả chấm đã chốt")
    BALLOT_OPEN = "Mời bỏ phiếu kín"
    AWARDS_APPROVED = ("awards.approved", "Khen thưởng được phê duyệt")
    AWARDS_REVOKED = ("awards.revoked", "Khen thưởng bị thu hồi")
    NOMINATION_CREATE = ("nomination.create", "Đề nghị mô hình lên cấp trên")
    NOMINATION_ACCEPT = ("nomination.accept", "Cấp trên nhận mô hình vào xét")
    NOMINATION_RETURN = ("nomination.return", "Cấp trên trả lại mô hình")
    SUPERVISION_OPINION = "Ý kiến giám sát"
    JOB_DONE = "Công việc đã hoàn thành"
    JOB_FAILED = "Công việc không hoàn thành"
    JOB_CANCELLED = "Công việc đã hủy"
    # Rows of a kind no longer sent, kept readable (the 1560kinds migration maps them here).
    OTHER = "Thông báo khác"


class Notification(db.Model):
    """A message for one user. `dedup_key` makes repeated reminders idempotent."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "dedup_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, "notification_kind"))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    dedup_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
