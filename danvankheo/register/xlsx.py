"""The register and the statistics as workbooks: pure functions from rows to sheets
(exports.xlsx writes and lays them out for printing)."""

from __future__ import annotations

from collections.abc import Sequence

from ..awards.models import ProposalLine
from ..exports.documents import DocumentContext, document_header, document_number
from ..exports.xlsx import Column, Sheet, Span
from .stats import AwardStatistics


def _signer(line: ProposalLine) -> str:
    proposal = line.proposal
    title = " ".join(part for part in (proposal.signer_authority, proposal.signer_title) if part)
    return f"{proposal.signer_name} ({title})" if title and proposal.signer_name else proposal.signer_name or title


def _revocation(line: ProposalLine) -> str:
    revocation = line.revocation
    if revocation is None:
        return ""
    number = f"Quyết định số {revocation.decision_number}" if revocation.decision_number else "Đã hủy"
    when = f" ngày {revocation.decision_date:%d/%m/%Y}" if revocation.decision_date else ""
    return f"Đã hủy khen thưởng: {number}{when}. Lý do: {revocation.reason}"


REGISTER_COLUMNS = [
    Column("STT", "center"),
    Column("Số", "text", group="Quyết định khen thưởng", max_width=14),
    Column("Ngày", "date", group="Quyết định khen thưởng"),
    Column("Người ký", "text", group="Quyết định khen thưởng", max_width=18),
    Column("Hình thức khen thưởng", "text", max_width=22),
    Column("Tập thể / Họ và tên", "text", max_width=24),
    Column("Chức vụ, đơn vị", "text", max_width=24),
    Column("Thành tích (mô hình)", "text", max_width=22),
    Column("Hủy khen thưởng", "text", max_width=22),
]


def register_sheets(lines: Sequence[ProposalLine], ctx: DocumentContext, *, notes: Sequence[str] = ()) -> list[Sheet]:
    """Sổ theo dõi khen thưởng: one row per award, grouped under each decision's heading."""
    rows: list = []
    current = None
    for n, line in enumerate(lines, 1):
        if line.proposal_id != current:
            current = line.proposal_id
            rows.append(Span(f"Quyết định số {line.proposal.decision_number} ngày "
                             f"{line.proposal.decision_date:%d/%m/%Y}: {line.proposal.title}"))
        who = ", ".join(part for part in (line.recipient_position, line.unit_name) if part) \
            if not line.is_collective else line.unit_name
        rows.append([n, line.proposal.decision_number, line.proposal.decision_date, _signer(line),
                     f"{line.award_form.display_name} ({line.award_form.level.label.lower()})",
                     line.recipient_name, who, line.initiative_name, _revocation(line)])
    header = document_header(ctx, number=document_number(None, "SKT", ctx.number_suffix), day=ctx.today,
                             title="SỔ THEO DÕI KHEN THƯỞNG", subtitles=["Phong trào thi đua “Dân vận khéo”"],
                             notes=list(notes))
    return [Sheet(name="Sổ khen thưởng", header=header, columns=REGISTER_COLUMNS, rows=rows, freeze_columns=1)]


def statistics_sheets(stats: AwardStatistics, ctx: DocumentContext) -> list[Sheet]:
    years = stats.years
    year_columns = [Column(str(y), "integer", group="Số khen thưởng theo năm") for y in years]
    header = document_header(ctx, number=document_number(None, "BC", ctx.number_suffix), day=ctx.today,
                             title="THỐNG KÊ KHEN THƯỞNG", subtitles=["Phong trào thi đua “Dân vận khéo”"],
                             notes=[f"(Từ năm {years[0]} đến năm {years[-1]})"] if years else [])
    sheets = [Sheet(
        name="Theo năm", header=header,
        columns=[Column("Năm", "center"), Column("Trong ứng dụng", "integer"), Column("Ngoài ứng dụng", "integer"),
                 Column("Tổng cộng", "integer")],
        rows=[*([str(y), inside, outside, total] for y, inside, outside, total in stats.by_year()),
              ["Tổng cộng", sum(r[1] for r in stats.by_year()), sum(r[2] for r in stats.by_year()), stats.total]],
    )]
    for name, title, table in (("Theo hình thức", "Hình thức khen thưởng", stats.by_form()),
                               ("Theo cấp", "Cấp khen thưởng", stats.by_level()),
                               ("Theo loại đơn vị", "Loại đơn vị", stats.by_unit_kind())):
        sheets.append(Sheet(
            name=name, title=f"SỐ KHEN THƯỞNG {name.upper()}",
            columns=[Column("STT", "center"), Column(title, "text", max_width=40), *year_columns,
                     Column("Tổng cộng", "integer")],
            rows=[[n, label, *counts, total] for n, (label, counts, total) in enumerate(table, 1)],
        ))
    return sheets
