"""Surveys of a model's beneficiaries: the public code, the running tallies, one-time codes
(mã phiếu) and the responses themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.labels import LabelledEnum
from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db
from ..registry.models import Initiative

RATINGS = (1, 2, 3, 4, 5)


class ResponseState(LabelledEnum):
    COUNTED = "Được tính"
    REPLACED = "Đã được thay bằng câu trả lời sau (cùng thiết bị)"  # the same device answered again; the newer answer counts
    SET_ASIDE = "Đã để riêng, không tính"  # the secretariat set it aside with a reason


class CommentReview(LabelledEnum):
    NONE = "Không có góp ý"  # no comment written
    PENDING = "Chờ thường trực duyệt"
    SHOWN = "Đã duyệt, hiển thị cho Hội đồng"
    SET_ASIDE = "Đã để riêng, không hiển thị"


class Survey(db.Model):
    """The public survey of one accepted model. `public_code` is the unguessable part of
    /y-kien/<code> (about 99 random bits)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), unique=True)
    public_code: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    initiative: Mapped[Initiative] = relationship()
    tallies: Mapped[list[SurveyTally]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyTally.is_verified.desc()"
    )


class SurveyTally(db.Model):
    """Running counts of the counted responses of one survey, verified and open apart.

    Changed only by `UPDATE … SET n = n + 1` (services._add), never read-then-write, so
    parallel answers never lose a count; the mean and its interval come from the sums."""

    __tablename__ = "survey_tallies"
    __table_args__ = (
        CheckConstraint(
            "responses >= 0 AND took_part >= 0 AND took_part <= responses AND comments_pending >= 0 "
            "AND rating_1 >= 0 AND rating_2 >= 0 AND rating_3 >= 0 AND rating_4 >= 0 AND rating_5 >= 0",
            name="counts_non_negative",
        ),
        CheckConstraint("responses = rating_1 + rating_2 + rating_3 + rating_4 + rating_5", name="ratings_add_up"),
    )

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    is_verified: Mapped[bool] = mapped_column(primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)
    rating_1: Mapped[int] = mapped_column(default=0)
    rating_2: Mapped[int] = mapped_column(default=0)
    rating_3: Mapped[int] = mapped_column(default=0)
    rating_4: Mapped[int] = mapped_column(default=0)
    rating_5: Mapped[int] = mapped_column(default=0)
    took_part: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    rating_sq_sum: Mapped[int] = mapped_column(default=0)
    comments_pending: Mapped[int] = mapped_column(default=0)

    survey: Mapped[Survey] = relationship(back_populates="tallies")

    def rating_counts(self) -> dict[int, int]:
        return {r: getattr(self, f"rating_{r}") for r in RATINGS}


class SurveyCode(db.Model):
    """Mã phiếu: a one-time code printed on a sheet and handed to one person at a meeting.
    `used_at` is set once, by a conditional UPDATE (services.submit)."""

    __tablename__ = "survey_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    sheet: Mapped[int] = mapped_column(default=1)  # the printed sheet (batch) it belongs to
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyResponse(db.Model):
    """One person's answer. Nothing identifies the person: the device and the address are
    kept only as keyed hashes (services.keyed_hash), for replacement and burst detection."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("rating >= 1 AND rating <= 5", name="rating_in_range"),
        CheckConstraint("length(comment) <= 1000", name="comment_length"),
        CheckConstraint("state <> 'set_aside' OR set_aside_reason IS NOT NULL", name="set_aside_has_reason"),
        Index("ix_survey_responses_survey_created", "survey_id", "created_at"),
        Index("ix_survey_responses_survey_device", "survey_id", "device_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    rating: Mapped[int]
    took_part: Mapped[bool]
    residence_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    comment_review: Mapped[CommentReview] = mapped_column(
        enum_column(CommentReview, "comment_review"), default=CommentReview.NONE
    )
    comment_reason: Mapped[str | None] = mapped_column(Text)
    comment_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_verified: Mapped[bool] = mapped_column(default=False)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("survey_codes.id", ondelete="SET NULL"), unique=True)
    device_hash: Mapped[str | None] = mapped_column(String(64))
    address_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[ResponseState] = mapped_column(
        enum_column(ResponseState, "survey_response_state"), default=ResponseState.COUNTED
    )
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    set_aside_reason: Mapped[str | None] = mapped_column(Text)
    set_aside_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    set_aside_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    survey: Mapped[Survey] = relationship()
    residence_unit = relationship("Unit")
