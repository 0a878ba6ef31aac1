"""The main menu. Entries whose endpoint is not registered are left out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for

from ..auth.models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: frozenset[Role]


def _item(endpoint: str, label: str, *roles: Role) -> NavItem:
    return NavItem(endpoint, label, frozenset(roles))


S, E, SEC, O, A = Role.STAFF, Role.EVALUATOR, Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN

NAV_ITEMS: list[NavItem] = [
    _item("home.index", "Trang chủ", S, E, SEC, O, A),
    _item("registry.index", "Mô hình", S, SEC, O, A),
    _item("registry.compliance", "Tình hình đăng ký", SEC, O, A),
    _item("registry.deadline_settings", "Hạn nộp", SEC, A),
    _item("scoring.queue", "Chấm điểm", E),
    _item("rounds.index", "Đợt đánh giá", SEC, O, A),
    _item("awards.index", "Khen thưởng", SEC, O, A),
    _item("reports.dashboard", "Thống kê", SEC, O, A),
    _item("reports.periodic", "Báo cáo định kỳ", SEC, O, A),
    _item("audit.index", "Nhật ký", SEC, A),
    _item("jobs.index", "Công việc", SEC, O, A),
    _item("admin.units", "Đơn vị", A),
    _item("admin.users", "Người dùng", A),
    _item("showcase.index", "Thư viện mô hình", S, E, SEC, O, A),
]


def nav_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    roles = user.roles
    items = []
    for item in NAV_ITEMS:
        if item.endpoint not in current_app.view_functions or not (item.roles & roles):
            continue
        items.append(
            {
                "url": url_for(item.endpoint),
                "label": item.label,
                "active": request.endpoint == item.endpoint,
            }
        )
    return items
