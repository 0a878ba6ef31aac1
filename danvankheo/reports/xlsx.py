"""The periodic report as a workbook: a pure function from the report to its sheets.

The first sheet carries the official header block (exports.xlsx, Nghị định 30/2020) and
the summary; each section follows on its own sheet so that every table keeps its columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..exports.documents import DocumentContext, document_header, document_number
from ..exports.xlsx import Column, Sheet, Span
from ..scoring.models import Grade
from .periodic import PeriodicReport

GRADES = [Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.FAIL]


def _summary_rows(report: PeriodicReport) -> Iterator[list[Any]]:
    t = report.totals
    yield [1, "Số mô hình đăng ký", t.registered]
    yield [2, "Số mô hình đã nộp", t.submitted]
    yield [3, "Số mô hình được tiếp nhận", t.accepted]
    yield [4, "Số đơn vị phải đăng ký", report.scope_units]
    yield [5, "Số đơn vị chưa đăng ký mô hình nào", len(report.units_without_models)]
    yield [6, "Số đợt đánh giá công bố kết quả", len(report.rounds)]
    for n, grade in enumerate(GRADES, 7):
        yield [n, f"Số mô hình xếp loại {grade.label}", report.grade_totals.get(grade, 0)]
    if report.awards.available:
        a = report.awards
        yield [11, "Số hồ sơ đề nghị khen thưởng đã trình", a.proposals_submitted]
        yield [12, "Số tập thể, cá nhân được đề nghị khen thưởng", a.lines_proposed]
        yield [13, "Số hồ sơ đề nghị được phê duyệt", a.proposals_approved]
        yield [14, "Số tập thể, cá nhân được khen thưởng", a.lines_approved]


COUNT_COLUMNS = [
    Column("Đăng ký", "integer", group="Số mô hình"),
    Column("Đã nộp", "integer", group="Số mô hình"),
    Column("Tiếp nhận", "integer", group="Số mô hình"),
]


def periodic_report_sheets(report: PeriodicReport, ctx: DocumentContext, voice=None) -> list[Sheet]:
    """The sheets of `report` (exports.xlsx writes them); `ctx` names the deployment; `voice`
    (a feedback.queries.VoiceReport) adds the people's satisfaction as the last appendix.

    A report over several provinces has the page's shape: its units summed by province, its
    rounds counted by province, no list of units (the appendices are numbered as they come)."""
    period = report.period
    header = document_header(
        ctx,
        number=document_number(None, "BC", ctx.number_suffix),
        day=ctx.today,
        title="BÁO CÁO",
        subtitles=[f"{period.title} phong trào thi đua “Dân vận khéo”"],
        notes=[f"(Số liệu {period.label})"],
    )
    sheets = [
        Sheet(
            name="Tổng hợp",
            header=header,
            columns=[Column("STT", "center"), Column("Chỉ tiêu", "text", max_width=60), Column("Số lượng", "integer")],
            rows=list(_summary_rows(report)),
            signature=ctx.signature(),
        ),
        Sheet(
            name="Theo lĩnh vực",
            title=f"PHỤ LỤC 1. SỐ MÔ HÌNH THEO LĨNH VỰC ({period.label})",
            columns=[Column("STT", "center"), Column("Lĩnh vực", "text"), *COUNT_COLUMNS],
            rows=[
                [n, f.label if f else "Chưa chọn lĩnh vực", c.registered, c.submitted, c.accepted]
                for n, (f, c) in enumerate(report.by_field.items(), 1)
            ]
            + [["", "Tổng cộng", report.totals.registered, report.totals.submitted, report.totals.accepted]],
        ),
    ]
    sheets += _province_sheets(report) if report.by_province else _unit_sheets(report)
    if report.awards.available:
        sheets.append(
            Sheet(
                name="Khen thưởng",
                title=f"PHỤ LỤC {len(sheets)}. ĐỀ NGHỊ KHEN THƯỞNG ({period.label})",
                columns=[Column("STT", "center"), Column("Hình thức khen thưởng", "text", max_width=50),
                         Column("Đề nghị", "integer"), Column("Được phê duyệt", "integer")],
                rows=[[n, name, proposed, approved]
                      for n, (name, proposed, approved) in enumerate(report.awards.by_form, 1)],
            )
        )
    if voice is not None and not voice.empty:
        sheets.append(_voice_sheet(voice, f"PHỤ LỤC {len(sheets)}", period.label))
    return sheets


def _unit_sheets(report: PeriodicReport) -> list[Sheet]:
    """Appendices 2 to 4 of a report over one province: its units, its rounds' rankings."""
    period = report.period
    return [
        Sheet(
            name="Theo đơn vị",
            title=f"PHỤ LỤC 2. SỐ MÔ HÌNH THEO ĐƠN VỊ ({period.label})",
            columns=[Column("STT", "center"), Column("Đơn vị", "text", max_width=45), Column("Loại đơn vị", "text"),
                     *COUNT_COLUMNS],
            rows=[
                [n, line.unit.name, line.unit.kind.label, line.counts.registered, line.counts.submitted,
                 line.counts.accepted]
                for n, line in enumerate(report.units_with_models, 1)
            ],
            freeze_columns=2,
        ),
        Sheet(
            name="Chưa đăng ký",
            title=f"PHỤ LỤC 3. ĐƠN VỊ CHƯA ĐĂNG KÝ MÔ HÌNH ({period.label})",
            columns=[Column("STT", "center"), Column("Đơn vị", "text", max_width=45), Column("Loại đơn vị", "text")],
            rows=[
                [n, line.unit.name, line.unit.kind.label]
                for n, line in enumerate(report.units_without_models, 1)
            ],
        ),
        Sheet(
            name="Kết quả chấm",
            title=f"PHỤ LỤC 4. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ({period.label})",
            columns=[Column("Xếp hạng", "center"), Column("Tên mô hình", "text", max_width=50),
                     Column("Đơn vị", "text", max_width=40), Column("Lĩnh vực", "text"),
                     Column("Tổng điểm", "decimal"), Column("Xếp loại", "center")],
            rows=list(_round_rows(report)),
            freeze_columns=2,
        ),
    ]


def _province_sheets(report: PeriodicReport) -> list[Sheet]:
    """Appendices 2 and 3 of a report over several provinces: the units summed by province,
    the finalised rounds and their grades counted by province."""
    period, t = report.period, report.totals
    totals = report.grade_totals
    return [
        Sheet(
            name="Theo tỉnh",
            title=f"PHỤ LỤC 2. SỐ MÔ HÌNH, SỐ ĐƠN VỊ THEO TỈNH, THÀNH PHỐ ({period.label})",
            columns=[Column("STT", "center"), Column("Tỉnh, thành phố", "text", max_width=40), *COUNT_COLUMNS,
                     Column("Phải đăng ký", "integer", group="Số đơn vị", max_width=11),
                     Column("Chưa có mô hình", "integer", group="Số đơn vị", max_width=11)],
            rows=[
                [n, line.name, line.registered, line.submitted, line.accepted, line.scope_units,
                 line.units_without_models]
                for n, line in enumerate(report.provinces, 1)
            ]
            + [["", "Tổng cộng", t.registered, t.submitted, t.accepted, report.scope_units,
                len(report.units_without_models)]],
            freeze_columns=2,
        ),
        Sheet(
            name="Kết quả theo tỉnh",
            title=f"PHỤ LỤC 3. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THEO TỈNH, THÀNH PHỐ ({period.label})",
            columns=[Column("STT", "center"), Column("Tỉnh, thành phố", "text", max_width=40),
                     Column("Số đợt công bố", "integer", max_width=10),
                     *(Column(g.label, "integer", group="Số mô hình xếp loại", max_width=10) for g in GRADES),
                     Column("Chưa đủ phiếu", "integer", group="Số mô hình xếp loại", max_width=10)],
            rows=[
                [n, line.name, line.rounds, *(line.grades.get(g, 0) for g in GRADES), line.grades.get(None, 0)]
                for n, line in enumerate(report.province_rounds, 1)
            ]
            + [["", "Tổng cộng", len(report.rounds), *(totals.get(g, 0) for g in GRADES), totals.get(None, 0)]],
            freeze_columns=2,
        ),
    ]


def _voice_sheet(voice, number: str, label: str) -> Sheet:
    """Satisfaction of the people per organiser, unit and model, verified and open apart."""
    verified, opened = "Có mã phiếu (đã xác thực)", "Không có mã phiếu (mở)"

    def mean(side):
        return round(side.mean, 2) if side.mean is not None else None

    def rows() -> Iterator[Any]:
        for title, lines in (("Theo cơ quan tổ chức", voice.organisers), ("Theo đơn vị", voice.units),
                             ("Theo mô hình", voice.models)):
            yield Span(title)
            for n, line in enumerate(lines, 1):
                yield [n, line.name, line.models, line.verified.responses, mean(line.verified),
                       line.open.responses, mean(line.open)]

    return Sheet(
        name="Ý kiến Nhân dân",
        title=f"{number}. Ý KIẾN NHÂN DÂN VỀ CÁC MÔ HÌNH ({label})",
        columns=[Column("STT", "center"), Column("Cơ quan, đơn vị, mô hình", "text", max_width=45),
                 Column("Số mô hình có phiếu", "integer", max_width=10),
                 Column("Số ý kiến", "integer", group=verified, max_width=9),
                 Column("Hài lòng TB (1–5)", "decimal", group=verified, max_width=10),
                 Column("Số ý kiến", "integer", group=opened, max_width=9),
                 Column("Hài lòng TB (1–5)", "decimal", group=opened, max_width=10)],
        rows=list(rows()),
        notes=["Mức hài lòng từ 1 đến 5; ý kiến bị thường trực để riêng không được tính."],
        freeze_columns=2,
    )


def _round_rows(report: PeriodicReport) -> Iterator[Any]:
    for result in report.rounds:
        counts = result.grade_counts
        summary = ", ".join(f"{g.label}: {counts.get(g, 0)}" for g in GRADES)
        yield Span(f"{result.round.name} ({summary})")
        for row in result.rows:
            yield [
                row.rank if row.rank is not None else "Chưa đủ phiếu",
                row.name,
                row.unit_name,
                row.field_label,
                row.total,
                row.grade_label,
            ]
