"""Dashboards (thống kê) and periodic reports (sơ kết 6 tháng, tổng kết năm)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, func, select

from ..core.permissions import roles_required
from ..core.roles import Role
from ..core.timeutil import format_document_date, local_today
from ..exports.routes import acting_context, send_workbook
from ..extensions import db
from ..feedback.queries import voice_report
from ..organisers.access import readable_organisers_in_order as organisers_read
from ..registry.models import Initiative, Status
from ..registry.permissions import units_of_organisers
from ..scoring.models import Grade
from ..units.models import Unit
from . import charts, panels  # noqa: F401  (panels registers the staff home panel)
from .dashboard import GRADE_ORDER, Dashboard, build_dashboard, scope_clause
from .periodic import build_periodic_report, parse_period, presets
from .provinces import ProvinceChoice, ProvinceNotReadable, choose_province
from .xlsx import periodic_report_sheets

bp = Blueprint("reports", __name__, static_folder="static", static_url_path="/static/bao-cao")

READERS = (Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)

GRADE_COLORS = {
    Grade.EXCELLENT: "#2e7d32",
    Grade.GOOD: "#1f4e79",
    Grade.FAIR: "#b26a00",
    Grade.FAIL: "#a50e0e",
    None: "#6c757d",
}
# The colours of the status badges (registry/_macros.html), dark enough for white-on and print.
STATUS_COLORS = {
    Status.DRAFT: "#6c757d",
    Status.SUBMITTED: "#1f4e79",
    Status.RETURNED: "#b26a00",
    Status.ACCEPTED: "#2e7d32",
    Status.REJECTED: "#a50e0e",
    Status.WITHDRAWN: "#495057",
}


def _year_arg() -> int:
    year = request.args.get("nam", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.get("/thong-ke")
@roles_required(*READERS)
def dashboard():
    year = _year_arg()
    data = build_dashboard(current_user, year)
    years = sorted({y for y, _, _ in data.trend} | {local_today().year, year}, reverse=True)
    return render_template(
        "reports/dashboard.html", d=data, years=years, charts=_dashboard_charts(data),
        grade_order=GRADE_ORDER, voice=voice_report([year], scope_clause(current_user)),
    )


def _list(**args) -> str:
    """The registry list with these filters (its own query-string names)."""
    return url_for("registry.index", **args)


def _dashboard_charts(d: Dashboard) -> dict:
    y = d.year
    return {
        "status": charts.bar_chart(
            [charts.ChartItem(s.label, n, _list(nam=y, trang_thai=s.value), STATUS_COLORS[s])
             for s, n in d.by_status.items()],
            title=f"Mô hình năm {y} theo trạng thái",
        ),
        "field": charts.bar_chart(
            [
                charts.ChartItem(f.label if f else "Chưa chọn lĩnh vực", n,
                                 _list(nam=y, linh_vuc=f.value) if f else _list(nam=y),
                                 charts.PALETTE[i % len(charts.PALETTE)])
                for i, (f, n) in enumerate(d.by_field.items())
            ],
            title=f"Mô hình năm {y} theo lĩnh vực",
        ),
        "unit_kind": charts.bar_chart(
            [charts.ChartItem(k.label, n, _list(nam=y, loai_don_vi=k.value), charts.PALETTE[1])
             for k, n in d.by_unit_kind.items()],
            title=f"Mô hình năm {y} theo loại đơn vị",
        ),
        "trend": charts.column_chart(
            [charts.ChartItem(str(year), n, _list(nam=year)) for year, n, _ in d.trend],
            title="Số mô hình qua các năm",
        ),
        "compliance": charts.progress_chart(
            d.units_with_models, d.units_required,
            title=f"Tỷ lệ đơn vị có mô hình năm {y}",
            href=url_for("registry.compliance", nam=y),
        ),
        "grades": charts.bar_chart(
            [
                charts.ChartItem(g.label if g else "Chưa đủ phiếu, không xếp loại", d.grade_totals.get(g, 0),
                                 _ranking_link(d, g), GRADE_COLORS[g])
                for g in [*GRADE_ORDER, None]
                if d.grade_totals.get(g) or g is not None
            ],
            title=f"Xếp loại các đợt đánh giá đã công bố năm {y}",
        ),
    }


def _ranking_link(d: Dashboard, grade: Grade | None) -> str | None:
    """The ranking page behind a grade count: the round's own when there is one round."""
    if len(d.grades) != 1:
        return url_for("rounds.index", nam=d.year) if d.grades else None
    args = {"xep_loai": grade.value} if grade else {"tinh_trang": "chua-du"}
    return url_for("rounds.ranking", round_id=d.grades[0].round_id, **args)


# --- Periodic report ------------------------------------------------------------------------


def _report_scope():
    """The period, and the organisers of the report (`?tinh=` narrows a report over several
    provinces to one): a province the reader does not read is not found."""
    period = parse_period(request.args, today=local_today())
    try:
        choice = choose_province(request.args.get("tinh"), organisers_read(current_user))
    except ProvinceNotReadable:
        abort(404)
    return period, choice


def _voice_scope(choice: ProvinceChoice):
    scope = scope_clause(current_user)
    if choice.province is None:
        return scope
    return and_(scope, Initiative.unit_id.in_(units_of_organisers(set(choice.organiser_ids))))


@bp.get("/bao-cao")
@roles_required(*READERS)
def periodic():
    period, choice = _report_scope()
    valid = period.is_valid and not choice.error
    report = build_periodic_report(period, choice.organiser_ids) if valid else None
    field_chart = None
    if report is not None:
        field_chart = charts.bar_chart(
            [charts.ChartItem(f.label if f else "Chưa chọn lĩnh vực", c.registered, None,
                              charts.PALETTE[i % len(charts.PALETTE)])
             for i, (f, c) in enumerate(report.by_field.items())],
            title=f"Số mô hình đăng ký theo lĩnh vực, {period.label}",
        )
    doc = acting_context(current_user)
    return render_template(
        "reports/periodic.html", period=period, report=report, presets=presets(local_today()), doc=doc,
        province=choice.province, province_error=choice.error,
        voice=voice_report(period.years, _voice_scope(choice)) if report is not None else None,
        grade_order=GRADE_ORDER, field_chart=field_chart,
        place_date=format_document_date(doc.place, doc.today),
    ), (200 if valid else 400)


@bp.get("/bao-cao/excel")
@roles_required(*READERS)
def periodic_xlsx():
    period, choice = _report_scope()
    if not period.is_valid or choice.error:
        abort(400)
    label = f"{period.title} ({period.label})"
    if choice.province is not None:
        label = f"{period.title}, {choice.province.name} ({period.label})"
    if _unit_count() > current_app.config["JOB_REPORT_THRESHOLD"]:
        # A report over many organisers' units (a national one) is built by the worker.
        from ..jobs.runners import start_periodic_report

        return start_periodic_report(current_user, request.args, label, choice.organiser_ids,
                                     issuer_id=current_user.acting_organiser_id)
    report = build_periodic_report(period, choice.organiser_ids)
    sheets = periodic_report_sheets(report, acting_context(current_user),
                                    voice=voice_report(period.years, _voice_scope(choice)))
    filename = f"Báo cáo phong trào Dân vận khéo {period.start:%d-%m-%Y} đến {period.end:%d-%m-%Y}.xlsx"
    return send_workbook(sheets, filename, label=label)


def _unit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Unit)) or 0
