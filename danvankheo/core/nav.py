"""The main menu: at most seven entries per role, the rarer pages grouped under a dropdown.
Entries whose endpoint is not registered, or that the role may not open, are left out; a group
left with a single entry becomes a plain link."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for

from .roles import Role

MAX_TOP_ITEMS = 7


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: frozenset[Role]
    group: str = ""  # the dropdown it sits in; "" for a top-level link
    alone: str = ""  # its name at the top when it is the only entry of its group for a user


def _item(endpoint: str, label: str, *roles: Role, group: str = "", alone: str = "") -> NavItem:
    return NavItem(endpoint, label, frozenset(roles), group, alone or label)


S, E, SEC, O, A, SUP = Role.STAFF, Role.EVALUATOR, Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN, Role.SUPERVISOR

NAV_ITEMS: list[NavItem] = [
    _item("home.index", "Trang chủ", S, E, SEC, O, A, SUP),
    _item("registry.index", "Danh sách mô hình", S, SEC, O, A, group="Mô hình", alone="Mô hình"),
    _item("registry.compliance", "Tình hình đăng ký", SEC, O, A, group="Mô hình"),
    _item("registry.deadline_settings", "Hạn nộp", SEC, A, group="Mô hình"),
    _item("supervision.index", "Giám sát mô hình", SUP, group="Mô hình"),
    _item("feedback.overview", "Ý kiến Nhân dân", SEC, A, group="Mô hình"),
    _item("scoring.queue", "Chấm điểm", E, group="Đánh giá"),
    _item("scoring.results", "Kết quả chấm", S, group="Đánh giá"),
    _item("rounds.index", "Đợt đánh giá", SEC, O, A, group="Đánh giá"),
    _item("nominations.index", "Đề nghị cấp trên", SEC, A, group="Đánh giá"),
    _item("awards.index", "Khen thưởng", SEC, O, A),
    _item("reports.dashboard", "Thống kê", SEC, O, A, group="Báo cáo"),
    _item("reports.periodic", "Báo cáo định kỳ", SEC, O, A, group="Báo cáo"),
    _item("register.index", "Sổ theo dõi khen thưởng", SEC, O, A, group="Báo cáo"),
    _item("register.statistics", "Thống kê khen thưởng", SEC, O, A, group="Báo cáo"),
    _item("organisers.rollup", "Tổng hợp cấp dưới", SEC, O, A, group="Báo cáo"),
    _item("audit.index", "Nhật ký", SEC, A, group="Báo cáo"),
    _item("jobs.index", "Công việc", SEC, O, A, group="Báo cáo"),
    _item("admin.units", "Đơn vị", A, group="Quản trị"),
    _item("organisers.index", "Cơ quan tổ chức", A, group="Quản trị"),
    _item("admin.users", "Người dùng", A, group="Quản trị"),
    _item("imports.index", "Nhập từ Excel", A, group="Quản trị"),
    _item("showcase.index", "Thư viện mô hình", S, E, SEC, O, A, SUP),
]


def nav_for(user) -> list[dict]:
    """Menu entries for a user: ``{"label", "url", "active"}`` for a link, ``{"label",
    "children": [...], "active"}`` for a group, in the order of NAV_ITEMS."""
    if not user.is_authenticated:
        return []
    roles = user.roles
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item in NAV_ITEMS:
        if item.endpoint not in current_app.view_functions or not (item.roles & roles):
            continue
        link = {"url": url_for(item.endpoint), "label": item.label, "alone": item.alone,
                "active": request.endpoint == item.endpoint}
        if not item.group:
            entries.append(link)
            continue
        if item.group not in groups:
            groups[item.group] = {"label": item.group, "children": [], "active": False}
            entries.append(groups[item.group])
        groups[item.group]["children"].append(link)
        groups[item.group]["active"] |= link["active"]
    # A group with one entry for this user is a plain link.
    return [
        {**entry["children"][0], "label": entry["children"][0]["alone"]} if len(entry.get("children", [])) == 1
        else entry
        for entry in entries
    ]
