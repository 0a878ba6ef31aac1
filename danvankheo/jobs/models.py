"""Background jobs (công việc): long work a user started, its progress and its file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.checks import non_negative
from ..core.labels import LabelledEnum
from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db


class JobKind(LabelledEnum):
    RANKING_EXPORT = "Xuất Excel kết quả xếp hạng và chi tiết điểm"
    PERIODIC_REPORT = "Xuất Excel báo cáo định kỳ"
    REGISTRY_EXPORT = "Xuất Excel danh sách mô hình"
    IMPORT = "Nhập đơn vị và người dùng từ Excel"
    REMINDER_MAIL = "Gửi thông báo, email nhắc hạn"
    # The dossier zip (hồ sơ điện tử) of a proposal: the kind exists so the print feature
    # can register its runner with `tasks.register_runner`; nothing runs it yet.
    DOSSIER_ZIP = "Đóng gói hồ sơ điện tử (.zip)"


class JobState(LabelledEnum):
    QUEUED = "Đang chờ"
    RUNNING = "Đang chạy"
    DONE = "Hoàn thành"
    FAILED = "Thất bại"
    CANCELLED = "Đã hủy"

    @property
    def is_active(self) -> bool:
        return self in (JobState.QUEUED, JobState.RUNNING)


class Job(db.Model):
    """One piece of long work run by the worker for its owner.

    `active_key` equals `dedup_key` while the job is queued or running and is emptied when
    it ends: its unique constraint lets the database itself refuse a second identical job
    while one is active (NULLs never collide), whatever two requests race.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("active_key"),
        non_negative("progress_done", name="progress_done_positive"),
        CheckConstraint("progress_total IS NULL OR progress_total >= 0", name="progress_total_positive"),
        CheckConstraint("active_key IS NULL OR state IN ('queued', 'running')", name="active_key_only_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[JobKind] = mapped_column(enum_column(JobKind, "job_kind"))
    state: Mapped[JobState] = mapped_column(enum_column(JobState, "job_state"), default=JobState.QUEUED)
    title: Mapped[str] = mapped_column(String(500))  # what the job is about, in words
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    dedup_key: Mapped[str] = mapped_column(String(200))
    active_key: Mapped[str | None] = mapped_column(String(200))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message: Mapped[str] = mapped_column(Text, default="")  # Vietnamese, shown to the owner
    result_key: Mapped[str | None] = mapped_column(String(100))
    result_name: Mapped[str | None] = mapped_column(String(300))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    owner = relationship("User")

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.state is JobState.DONE else None
        return min(100, int(self.progress_done * 100 / self.progress_total))

    def seconds_left(self, now: datetime | None = None) -> int | None:
        """A straight-line estimate from the rate so far; None until there is one."""
        if self.state is not JobState.RUNNING or not self.started_at or not self.progress_total:
            return None
        if self.progress_done <= 0:
            return None
        elapsed = ((now or utcnow()) - self.started_at).total_seconds()
        if elapsed < 1:
            return None
        rate = self.progress_done / elapsed
        return max(0, int((self.progress_total - self.progress_done) / rate))

    @property
    def has_file(self) -> bool:
        return self.state is JobState.DONE and bool(self.result_key)
