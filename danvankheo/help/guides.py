"""The user guides (docs/guide/*.md) as HTML, and which section of which guide a page explains.

The guides are the project's own Markdown, rendered with Python-Markdown; headings get ids
made from their folded text ("### 3. Nộp mô hình" -> "3-nop-mo-hinh") so a page can link to
its section. Screenshots are served from docs/screenshots/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from markupsafe import Markup

from .. import PROJECT_ROOT
from ..core.roles import Role
from ..core.text import fold

GUIDE_DIR = PROJECT_ROOT / "docs" / "guide"
SCREENSHOT_DIR = PROJECT_ROOT / "docs" / "screenshots"


@dataclass(frozen=True)
class Guide:
    slug: str  # file name without .md, and the URL
    role: Role
    title: str


GUIDES: dict[str, Guide] = {
    g.slug: g
    for g in (
        Guide("can-bo", Role.STAFF, "Hướng dẫn cho cán bộ đơn vị"),
        Guide("giam-khao", Role.EVALUATOR, "Hướng dẫn cho thành viên hội đồng chấm"),
        Guide("thuong-truc", Role.SECRETARIAT, "Hướng dẫn cho thường trực hội đồng"),
        Guide("theo-doi", Role.OBSERVER, "Hướng dẫn cho người theo dõi"),
        Guide("quan-tri", Role.ADMIN, "Hướng dẫn cho quản trị"),
        Guide("mttq", Role.SUPERVISOR, "Hướng dẫn cho Mặt trận Tổ quốc và các đoàn thể (giám sát)"),
    )
}
# A person with several roles reads the guide of the role that does the most on a page first.
ROLE_ORDER = [Role.SECRETARIAT, Role.ADMIN, Role.EVALUATOR, Role.STAFF, Role.SUPERVISOR, Role.OBSERVER]

# Page (endpoint) -> {guide: heading of its section}. A heading renamed in a guide fails
# tests/help/test_help.py, never a link in production.
SECTIONS: dict[str, dict[str, str]] = {
    "home.index": {"can-bo": "Cán bộ đơn vị làm được gì", "giam-khao": "Thành viên hội đồng làm được gì",
                   "thuong-truc": "Thường trực làm được gì", "theo-doi": "Người theo dõi làm được gì",
                   "quan-tri": "Quản trị làm được gì", "mttq": "Mặt trận Tổ quốc, đoàn thể làm được gì"},
    "supervision.index": {"mttq": "1. Danh sách mô hình cần giám sát"},
    "supervision.opinion": {"mttq": "2. Ghi ý kiến giám sát"},
    "registry.index": {"can-bo": "5. Danh sách mô hình của đơn vị", "thuong-truc": "3. Tiếp nhận mô hình",
                       "theo-doi": "2. Mô hình"},
    "registry.create": {"can-bo": "1. Đăng ký mô hình"},
    "registry.edit": {"can-bo": "1. Đăng ký mô hình"},
    "registry.detail": {"can-bo": "3. Nộp mô hình", "thuong-truc": "3. Tiếp nhận mô hình", "theo-doi": "2. Mô hình",
                        "mttq": "1. Danh sách mô hình cần giám sát"},
    "registry.compliance": {"thuong-truc": "2. Theo dõi tình hình đăng ký", "theo-doi": "1. Tình hình đăng ký"},
    "registry.deadline_settings": {"thuong-truc": "1. Đầu năm: hạn nộp, phạm vi, gia hạn"},
    "scoring.queue": {"giam-khao": "2. Mở danh sách cần chấm"},
    "scoring.score": {"giam-khao": "4. Chấm từng tiêu chí"},
    "scoring.results": {"can-bo": "7. Xem kết quả chấm điểm"},
    "rounds.index": {"thuong-truc": "4. Đợt đánh giá và chấm điểm", "theo-doi": "3. Đợt đánh giá"},
    "rounds.create": {"thuong-truc": "4. Đợt đánh giá và chấm điểm"},
    "rounds.detail": {"thuong-truc": "4. Đợt đánh giá và chấm điểm", "theo-doi": "3. Đợt đánh giá"},
    "rounds.ranking": {"thuong-truc": "4. Đợt đánh giá và chấm điểm", "theo-doi": "3. Đợt đánh giá"},
    "awards.index": {"thuong-truc": "5. Đề nghị khen thưởng", "theo-doi": "4. Khen thưởng"},
    "certificates.download_page": {"thuong-truc": "5. Đề nghị khen thưởng", "theo-doi": "4. Khen thưởng"},
    "certificates.layouts": {"thuong-truc": "5. Đề nghị khen thưởng"},
    "certificates.layout_edit": {"thuong-truc": "5. Đề nghị khen thưởng"},
    "certificates.calibration": {"thuong-truc": "5. Đề nghị khen thưởng"},
    "awards.detail": {"thuong-truc": "5. Đề nghị khen thưởng", "theo-doi": "4. Khen thưởng"},
    "awards.unit_history": {"can-bo": "8. Khen thưởng của đơn vị"},
    "awards.ballot": {"giam-khao": "11. Bỏ phiếu kín đề nghị khen thưởng", "thuong-truc": "5. Đề nghị khen thưởng",
                      "theo-doi": "4. Khen thưởng"},
    "awards.ballot_open": {"thuong-truc": "5. Đề nghị khen thưởng"},
    "awards.ballot_paper": {"thuong-truc": "5. Đề nghị khen thưởng"},
    "reports.dashboard": {"thuong-truc": "7. Bảng thống kê và báo cáo định kỳ", "theo-doi": "5. Bảng thống kê"},
    "reports.periodic": {"thuong-truc": "7. Bảng thống kê và báo cáo định kỳ",
                         "theo-doi": "6. Báo cáo định kỳ (sơ kết 6 tháng, tổng kết năm)"},
    "audit.index": {"thuong-truc": "8. Nhật ký thay đổi"},
    "jobs.index": {"thuong-truc": "Công việc chạy nền (trang Công việc)"},
    "admin.units": {"quan-tri": "1. Khởi tạo: cây đơn vị"},
    "organisers.index": {"quan-tri": "2. Khởi tạo: cơ quan tổ chức phong trào (tỉnh, xã)"},
    "organisers.create": {"quan-tri": "2. Khởi tạo: cơ quan tổ chức phong trào (tỉnh, xã)"},
    "organisers.edit": {"quan-tri": "2. Khởi tạo: cơ quan tổ chức phong trào (tỉnh, xã)"},
    "organisers.rollup": {"thuong-truc": "9. Hai cấp: cơ quan tổ chức, đề nghị cấp trên, tổng hợp cấp dưới",
                          "theo-doi": "8. Tổng hợp cấp dưới"},
    "nominations.index": {"thuong-truc": "9. Hai cấp: cơ quan tổ chức, đề nghị cấp trên, tổng hợp cấp dưới"},
    "nominations.new": {"thuong-truc": "9. Hai cấp: cơ quan tổ chức, đề nghị cấp trên, tổng hợp cấp dưới"},
    "admin.users": {"quan-tri": "3. Khởi tạo: tài khoản"},
    "imports.index": {"quan-tri": "4. Nhập đơn vị và người dùng từ Excel"},
    "notifications.index": {"can-bo": "6. Thông báo và nhắc hạn", "theo-doi": "7. Thông báo"},
    "showcase.index": {"can-bo": "9. Thư viện mô hình và nhân rộng"},
}


def anchor(heading: str) -> str:
    """The id of a heading: folded, words joined by "-" ("3. Nộp mô hình" -> "3-nop-mo-hinh")."""
    return re.sub(r"[^a-z0-9]+", "-", fold(heading)).strip("-")


def _slugify(value: str, separator: str) -> str:
    return anchor(value)


@lru_cache(maxsize=16)
def _render(path: Path, mtime: float) -> tuple[str, list[dict]]:
    text = path.read_text(encoding="utf-8")
    # Links written for the repository: screenshots, the other guides, the guide index.
    text = re.sub(r"\]\(\.\./screenshots/", "](/huong-dan/anh/", text)
    text = re.sub(r"\]\((?:\./)?([a-z-]+)\.md(#[^)]*)?\)", r"](/huong-dan/\1\2)", text)
    text = text.replace("](../user-guide.md)", "](/huong-dan/)")
    text = re.sub(r"\[([^\]]+)\]\(\.\./([A-Z]+\.md)[^)]*\)", r"\1 (tệp docs/\2 của bộ cài đặt)", text)
    md = markdown.Markdown(extensions=["toc", "tables", "sane_lists"],
                           extension_configs={"toc": {"slugify": _slugify, "toc_depth": "2-3"}})
    body = md.convert(text)
    return body, md.toc_tokens


def render_guide(slug: str) -> tuple[Markup, list[dict]]:
    """The guide's HTML and its table of contents (Python-Markdown toc tokens)."""
    path = GUIDE_DIR / f"{slug}.md"
    body, toc = _render(path, path.stat().st_mtime)
    return Markup(body), toc


def guide_for(roles: set[Role]) -> Guide | None:
    for role in ROLE_ORDER:
        if role in roles:
            return next(g for g in GUIDES.values() if g.role is role)
    return None


def help_link(endpoint: str | None, roles: set[Role]) -> tuple[str, str] | None:
    """(guide slug, anchor) of the section explaining this page to this person, else the
    start of their guide."""
    sections = SECTIONS.get(endpoint or "", {})
    for role in ROLE_ORDER:
        if role not in roles:
            continue
        guide = next(g for g in GUIDES.values() if g.role is role)
        if guide.slug in sections:
            return guide.slug, anchor(sections[guide.slug])
    guide = guide_for(roles)
    return (guide.slug, "") if guide else None
