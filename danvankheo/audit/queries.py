"""Reading the audit trail: one object's history and the filtered list for the secretariat."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from ..core.paging import SortKey
from ..core.text import search_terms
from ..core.timeutil import format_date, format_datetime, local_zone
from ..extensions import db
from .labels import object_field_labels, recorded_enums
from .models import AuditEvent

# What each kind of object is called in the interface.
OBJECT_TYPE_LABELS = {
    "SurveyResponse": "Ý kiến Nhân dân",
    "Initiative": "Mô hình",
    "Evidence": "Minh chứng",
    "Unit": "Đơn vị",
    "User": "Tài khoản",
    "Deadline": "Hạn nộp",
    "SubmissionDeadline": "Hạn nộp",
    "DeadlineExtension": "Gia hạn",
    "Round": "Đợt đánh giá",
    "Criterion": "Tiêu chí chấm",
    "Assignment": "Phân công chấm",
    "Scorecard": "Phiếu chấm",
    "Ranking": "Kết quả xếp hạng",
    "AwardForm": "Hình thức khen thưởng",
    "Proposal": "Hồ sơ đề nghị khen thưởng",
    "ProposalLine": "Dòng đề nghị khen thưởng",
    "Award": "Khen thưởng",
    "Import": "Nhập dữ liệu",
    "Setting": "Cấu hình",
    "Export": "Xuất dữ liệu",
    "Report": "Báo cáo",
    "Job": "Công việc chạy nền",
    "Organiser": "Cơ quan tổ chức",
    "Nomination": "Đề nghị cấp trên",
    "System": "Hệ thống",
}

# Exact labels for the actions recorded today; anything else is named from its parts.
ACTION_LABELS = {
    "organiser.create": "Cơ quan tổ chức: thêm",
    "organiser.update": "Cơ quan tổ chức: sửa",
    "organiser.delete": "Cơ quan tổ chức: bỏ",
    "nomination.create": "Đề nghị mô hình lên cấp trên",
    "nomination.accept": "Cấp trên nhận mô hình vào xét",
    "nomination.return": "Cấp trên trả lại mô hình",
    "import.xlsx": "Nhập đơn vị và người dùng từ Excel",
    "evidence.upload": "Minh chứng: thêm tệp",
    "evidence.delete": "Minh chứng: xóa tệp",
    "evidence.publish": "Minh chứng: công khai",
    "evidence.unpublish": "Minh chứng: thôi công khai",
    "deadline.remind": "Nhắc đơn vị chưa đăng ký",
    "round.entries_add_reviewed": "Đợt đánh giá: thêm mô hình đã xếp hạng hoặc đề nghị (đánh giá lại)",
    "round.entries_add_late": "Đợt đánh giá: thêm mô hình tiếp nhận sau khi đợt bắt đầu chấm",
    "auth.login": "Đăng nhập",
    "auth.login_failed": "Đăng nhập không thành công",
    "auth.logout": "Đăng xuất",
    "round.ranking_basis": "Đợt đánh giá: chọn điểm dùng để xếp hạng",
    "initiative.similarity_decision": "Mô hình: quyết định về cảnh báo trùng lặp",
    "user.password_change": "Đổi mật khẩu",
    "user.password_reset": "Đặt lại mật khẩu",
    "export.xlsx": "Xuất Excel",
    "export.document": "Tải văn bản (Word/PDF)",
    "export.dossier": "Tải toàn bộ hồ sơ đề nghị",
    "export.certificates": "Tải phôi khen thưởng (PDF)",
    "certificate_layout.update": "Sửa mẫu in phôi khen thưởng",
    "certificate_settings.update": "Sửa căn chỉnh máy in và người ký phôi",
    "candidate_match.choose": "Chọn người được khen trùng họ tên",
    "candidate_match.clear": "Bỏ chọn người được khen trùng họ tên",
    "outside_award.create": "Nhập khen thưởng ngoài ứng dụng",
    "outside_award.delete": "Xóa khen thưởng ngoài ứng dụng",
    "supervision.opinion": "Ghi ý kiến giám sát",
    "supervision.revise": "Sửa ý kiến giám sát",
    "proposal.meeting": "Ghi biên bản họp Hội đồng",
    "ballot.open": "Mở bỏ phiếu kín của Hội đồng",
    "ballot.vote": "Thành viên Hội đồng bỏ phiếu (phiếu kín)",
    "survey.codes": "Ý kiến Nhân dân: tạo tờ mã phiếu",
    "survey_response.set_aside": "Ý kiến Nhân dân: để riêng một câu trả lời",
    "survey_response.comment_review": "Ý kiến Nhân dân: duyệt góp ý",
    "ballot.paper": "Nhập phiếu giấy của Hội đồng",
    "ballot.close": "Kết thúc bỏ phiếu kín",
    "job.start": "Bắt đầu công việc chạy nền",
    "job.cancel": "Hủy công việc chạy nền",
    "job.download": "Tải tệp kết quả của công việc",
}

VERB_LABELS = {
    "create": "tạo mới",
    "update": "sửa",
    "delete": "xóa",
    "move": "chuyển",
    "activate": "kích hoạt",
    "deactivate": "ngừng hoạt động",
    "submit": "nộp",
    "resubmit": "nộp lại",
    "return": "trả lại",
    "accept": "tiếp nhận",
    "reject": "không tiếp nhận",
    "withdraw": "rút",
    "transition": "chuyển trạng thái",
    "assign": "phân công",
    "unassign": "bỏ phân công",
    "recuse": "từ chối chấm",
    "score": "chấm điểm",
    "finalise": "chốt kết quả",
    "finalize": "chốt kết quả",
    "reopen": "mở lại",
    "close": "đóng",
    "open": "mở",
    "approve": "phê duyệt",
    "revoke": "thu hồi",
    "export": "xuất dữ liệu",
    "import": "nhập dữ liệu",
    "upload": "tải lên",
    "extend": "gia hạn",
    "extension_revoke": "hủy gia hạn",
    "set": "đặt",
    "submitted": "nộp",
    "returned": "trả lại để bổ sung",
    "accepted": "tiếp nhận",
    "rejected": "không tiếp nhận",
    "withdrawn": "rút hồ sơ",
    "draft": "trở về bản nháp",
    "start": "bắt đầu chấm",
    "reopen_scoring": "mở lại việc chấm",
    "revise": "sửa phiếu chấm",
    "discussion_open": "mở thảo luận",
    "discussion_close": "kết thúc thảo luận",
    "entries_add": "thêm mô hình",
    "entries_remove": "bỏ mô hình",
    "reorder": "sắp xếp lại",
    "auto": "phân công tự động",
    "line_add": "thêm dòng",
    "line_remove": "bỏ dòng",
    "xlsx": "xuất Excel",
    "password_change": "đổi mật khẩu",
    "password_reset": "đặt lại mật khẩu",
}

PREFIX_LABELS = {
    "auth": "Đăng nhập",
    "user": "Tài khoản",
    "unit": "Đơn vị",
    "initiative": "Mô hình",
    "evidence": "Minh chứng",
    "deadline": "Hạn nộp",
    "round": "Đợt đánh giá",
    "rubric": "Tiêu chí chấm",
    "assignment": "Phân công chấm",
    "scorecard": "Phiếu chấm",
    "score": "Điểm",
    "proposal": "Hồ sơ đề nghị",
    "award": "Khen thưởng",
    "export": "Xuất dữ liệu",
    "import": "Nhập dữ liệu",
    "report": "Báo cáo",
    "settings": "Cấu hình",
    "panel": "Hội đồng chấm",
    "award_form": "Hình thức khen thưởng",
    "backup": "Sao lưu",
}


# Field names of the recorded changes, as the forms call them.
FIELD_LABELS = {
    "units": "Số đơn vị",
    "offset_x_mm": "Độ lệch ngang X (mm)",
    "offset_y_mm": "Độ lệch dọc Y (mm)",
    "is_thematic": "Khen thưởng theo chuyên đề",
    "secretariat_name": "Cơ quan thường trực",
    "parent_body_name": "Cơ quan chủ quản",
    "issuing_body_name": "Cơ quan ban hành",
    "number_suffix": "Ký hiệu văn bản",
    "place_name": "Địa danh",
    "signer_authority": "Thẩm quyền ký",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Người ký",
    "decision_body_name": "Cơ quan ban hành Quyết định",
    "decision_number_suffix": "Ký hiệu Quyết định",
    "submission_addressee": "Kính gửi",
    "vote_threshold_percent": "Tỷ lệ phiếu đồng ý để đạt (%)",
    "organiser": "Cơ quan tổ chức",
    "from_organiser": "Cấp đề nghị",
    "to_organiser": "Cấp trên",
    "ballot_closes_at": "Kết thúc bỏ phiếu lúc",
    "pass_rule": "Đạt khi số phiếu đồng ý",
    "ballot_members": "Số thành viên Hội đồng",
    "candidates": "Số tập thể, cá nhân được bỏ phiếu",
    "close_reason": "Lý do kết thúc",
    "voted": "Đã bỏ phiếu",
    "results": "Kết quả (đồng ý / tổng số thành viên)",
    "paper_voters": "Thành viên bỏ phiếu giấy",
    "note": "Ý kiến đề nghị",
    "name": "Tên",
    "code": "Mã",
    "kind": "Loại",
    "parent": "Cấp trên",
    "is_active": "Hoạt động",
    "year": "Năm",
    "unit": "Đơn vị",
    "unit_id": "Đơn vị",
    "field": "Lĩnh vực",
    "status": "Trạng thái",
    "state": "Trạng thái",
    "reason": "Lý do",
    "login": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "email": "Email",
    "position": "Chức vụ",
    "phone": "Điện thoại",
    "roles": "Vai trò",
    "score": "Điểm",
    "total": "Tổng điểm",
    "comment": "Nhận xét",
    "grade": "Xếp loại",
    "deadline": "Hạn nộp",
    "closes_at": "Hạn chấm",
    "evaluator": "Người chấm",
    "initiative": "Mô hình",
    "award_form": "Hình thức khen thưởng",
    "summary": "Tóm tắt thành tích",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "filename": "Tệp",
    "rows": "Số dòng",
    "file": "Tệp",
    "sha256": "Mã băm SHA-256",
    "entries": "Số mô hình",
    "panel": "Hội đồng chấm",
    "deadline_at": "Hạn nộp",
    "until": "Gia hạn đến",
    "scope_kinds": "Loại đơn vị phải đăng ký",
    "is_public": "Công khai",
    "units_created": "Đơn vị thêm mới",
    "units_updated": "Đơn vị cập nhật",
    "users_created": "Tài khoản thêm mới",
    "users_updated": "Tài khoản cập nhật",
    "initiative_ids": "Mã số mô hình",
    "order": "Thứ tự tiêu chí",
    "per_model": "Số người chấm mỗi mô hình",
    "created": "Số phân công tạo mới",
    "short": "Số mô hình thiếu người chấm",
    "max_score": "Điểm tối đa",
    "guidance": "Hướng dẫn chấm",
    "is_tiebreaker": "Dùng để phân định khi bằng điểm",
    "tags": "Chủ đề",
    "members": "Thành viên",
    "level": "Cấp khen thưởng",
    "issuing_authority": "Cấp có thẩm quyền khen thưởng",
    "standing": "Đã có ở",
    "late": "Thêm khi đợt đang chấm",
    "recipients": "Người nhận",
    "models": "Số mô hình",
    "files": "Số tệp",
    "locked": "Phiếu đã khóa",
    "discussion": "Đang thảo luận",
    "job": "Công việc chạy nền",
    "ranking_basis": "Xếp hạng theo",
    "similarity_decision": "Quyết định về trùng lặp",
    "similar_to": "Mô hình gần giống",
    "codes": "Số mã phiếu",
    "sheet": "Tờ mã phiếu số",
    "comment_review": "Duyệt góp ý",
}


def field_label(name: str, object_type: str = "") -> str:
    """The form's name for a recorded field: the object's own form first, then the common list."""
    return object_field_labels().get(object_type, {}).get(name) or FIELD_LABELS.get(name, name)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def value_label(value: Any, field: str = "", object_type: str = "") -> str:
    """A recorded value as the interface shows it: Vietnamese labels, dd/mm/yyyy dates."""
    if isinstance(value, list):
        return ", ".join(value_label(v, field, object_type) for v in value) or "(trống)"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if not isinstance(value, str):
        return str(value)
    if _ISO_DATETIME.fullmatch(value):
        parsed = datetime.fromisoformat(value)
        return format_datetime(parsed if parsed.tzinfo else parsed.replace(tzinfo=local_zone()))
    if _ISO_DATE.fullmatch(value):
        return format_date(date.fromisoformat(value))
    enums = recorded_enums()
    enum = enums.get(f"{object_type}.{field}") or enums.get(field)
    if enum is not None:
        try:
            return enum(value).label
        except ValueError:
            pass
    return value


def action_label(action: str) -> str:
    """'initiative.accept' -> 'Mô hình: tiếp nhận'; unknown parts are shown as they are."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    prefix, _, verb = action.partition(".")
    subject = PREFIX_LABELS.get(prefix, prefix)
    if not verb:
        return subject
    return f"{subject}: {VERB_LABELS.get(verb, verb.replace('_', ' '))}"


def object_type_label(object_type: str) -> str:
    return OBJECT_TYPE_LABELS.get(object_type, object_type)


# Events that belong to an object's history although they do not name it (registered by the
# feature that knows why), and how an actor's typed name finds accounts.
_history_extras: dict[str, list[Callable[[int], ColumnElement[bool]]]] = {}
_actor_search: list[Callable[[list[str]], Select]] = []


def register_history_extra(object_type: str, condition: Callable[[int], ColumnElement[bool]]) -> None:
    """`condition(object id)` selects more events for the history of an `object_type`."""
    extras = _history_extras.setdefault(object_type, [])
    if condition not in extras:
        extras.append(condition)


def register_actor_search(accounts: Callable[[list[str]], Select]) -> None:
    """`accounts(words)` is the select of the ids of the accounts matching every folded word."""
    _actor_search[:] = [accounts]


def audit_history(obj: Any, *, object_type: str | None = None, limit: int = 200) -> list[AuditEvent]:
    """The recorded events of one object and of what belongs to it (its evidence), newest first."""
    object_id = getattr(obj, "id", None)
    if obj is None or object_id is None:
        return []
    object_type = object_type or type(obj).__name__
    own = (AuditEvent.object_type == object_type) & (AuditEvent.object_id == object_id)
    children = (AuditEvent.parent_type == object_type) & (AuditEvent.parent_id == object_id)
    condition = own | children
    for extra in _history_extras.get(object_type, ()):
        condition = condition | extra(object_id)
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(condition)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


@dataclass
class AuditFilters:
    """The filters of the trail page; every one is optional."""

    actor_id: int | None = None
    actor: str = ""
    object_type: str = ""
    object_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def apply(self, query: Select) -> Select:
        if self.actor_id:
            query = query.where(AuditEvent.actor_id == self.actor_id)
        if self.actor:
            # Diacritics-insensitive through the accounts' folded search text; the copied
            # name still finds events whose account is gone.
            by_name = AuditEvent.actor_name.ilike(f"%{_escape_like(self.actor)}%", escape="\\")
            if _actor_search:
                by_name = AuditEvent.actor_id.in_(_actor_search[0](search_terms(self.actor))) | by_name
            query = query.where(by_name)
        if self.object_type:
            query = query.where(AuditEvent.object_type == self.object_type)
        if self.object_id is not None:
            query = query.where(AuditEvent.object_id == self.object_id)
        if self.action:
            # A prefix ("initiative") selects all of its actions, a full code just that one.
            if "." in self.action:
                query = query.where(AuditEvent.action == self.action)
            else:
                query = query.where(AuditEvent.action.startswith(self.action + ".", autoescape=True))
        if self.date_from:
            query = query.where(AuditEvent.occurred_at >= _local_midnight(self.date_from))
        if self.date_to:
            query = query.where(AuditEvent.occurred_at < _local_midnight(self.date_to + timedelta(days=1)))
        return query


# Newest first; the id breaks ties between events of the same instant. Paged by key.
EVENT_ORDER = (SortKey(AuditEvent.occurred_at, descending=True), SortKey(AuditEvent.id, descending=True))


def filtered_events(filters: AuditFilters) -> Select:
    return filters.apply(select(AuditEvent)).order_by(*(key.ordering for key in EVENT_ORDER))


def known_object_types() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
