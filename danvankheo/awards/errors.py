"""The awards feature's refusals: every one is a `DomainError` whose Vietnamese message is
shown to the user as is (core/errors.py)."""

from __future__ import annotations

from ..core.errors import DomainError, StaleError

STALE_MESSAGE = (
    "Danh sách đề nghị vừa được người khác sửa sau khi bạn mở trang. Thay đổi của bạn chưa được lưu: "
    "vui lòng tải lại trang để xem bản mới nhất rồi sửa lại."
)


class AwardError(DomainError):
    """A refused operation on the award catalogue, a proposal or a granted award."""


class RepeatedAwardError(AwardError):
    """A model already awarded was proposed without a reason; `earlier` lists the awards
    (`repeat_awards.EarlierAward`)."""

    def __init__(self, message: str, earlier: list, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.earlier = earlier


class StaleProposal(StaleError, AwardError):
    """Someone else saved the proposal after the page was opened."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)
