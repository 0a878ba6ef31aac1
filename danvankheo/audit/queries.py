"""Reading the audit trail: one object's history and the filtered list for the secretariat."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select

from ..auth.models import User
from ..core.text import search_terms
from ..core.timeutil import format_date, format_datetime, local_zone
from ..extensions import db
from .models import AuditEvent

# What each kind of object is called in the interface.
OBJECT_TYPE_LABELS = {
    "Initiative": "Mô hình",
    "Evidence": "Minh chứng",
    "Unit": "Đơn vị",
    "User": "Tài khoản",
    "Deadline": "Hạn nộp",
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
    "Setting": "Cấu hình",
    "Export": "Xuất dữ liệu",
    "Report": "Báo cáo",
    "Job": "Công việc chạy nền",
    "System": "Hệ thống",
}

# Exact labels for the actions recorded today; anything else is named from its parts.
ACTION_LABELS = {
    "auth.login": "Đăng nhập",
    "auth.login_failed": "Đăng nhập không thành công",
    "auth.logout": "Đăng xuất",
    "user.password_change": "Đổi mật khẩu",
    "user.password_reset": "Đặt lại mật khẩu",
    "export.xlsx": "Xuất Excel",
    "export.document": "Tải văn bản (Word/PDF)",
    "export.dossier": "Tải toàn bộ hồ sơ đề nghị",
    "proposal.meeting": "Ghi biên bản họp Hội đồng",
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
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def _recorded_enums() -> dict[str, type]:
    """Enums whose stored values (English codes) appear among the recorded changes."""
    from ..auth.models import Role
    from ..awards.models import AwardLevel, ProposalState
    from ..registry.models import Field, InitiativeKind, Status
    from ..scoring.models import RoundState, ScorecardState
    from ..units.models import UnitKind

    return {"Initiative.status": Status, "Initiative.kind": InitiativeKind, "field": Field, "roles": Role,
            "Round.state": RoundState, "Scorecard.state": ScorecardState, "Proposal.state": ProposalState,
            "Unit.kind": UnitKind, "scope_kinds": UnitKind, "level": AwardLevel}


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
    enums = _recorded_enums()
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


def audit_history(obj: Any, *, object_type: str | None = None, limit: int = 200) -> list[AuditEvent]:
    """The recorded events of one object, newest first."""
    object_id = getattr(obj, "id", None)
    if obj is None or object_id is None:
        return []
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == (object_type or type(obj).__name__),
                AuditEvent.object_id == object_id,
            )
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
            accounts = select(User.id)
            for word in search_terms(self.actor):
                accounts = accounts.where(User.search_text.contains(word, autoescape=True))
            query = query.where(
                AuditEvent.actor_id.in_(accounts)
                | AuditEvent.actor_name.ilike(f"%{_escape_like(self.actor)}%", escape="\\")
            )
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


def filtered_events(filters: AuditFilters) -> Select:
    return filters.apply(select(AuditEvent)).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def known_object_types() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
