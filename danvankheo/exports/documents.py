"""The workbooks users download, built from plain rows: pure functions, no database.

Each `*_sheets` function returns the sheets of one workbook; `xlsx.write_workbook` or
`xlsx.workbook_bytes` turns them into a file. Views gather the rows (see `queries`) and
the deployment's names (`DocumentContext.from_config`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..core.formatting import format_day, format_plain, format_score
from ..core.timeutil import format_document_date
from .layout import DOTS
from .xlsx import Column, DocumentHeader, Sheet, Signature, Span


@dataclass(frozen=True)
class PrintedNames:
    """The names every paper of an organiser prints: its bodies, place, number suffix,
    secretariat and usual signer (see `printed_names`). The reports here and the proposal's
    documents (`awards.documents.Settings`) add what they need of their own."""

    parent_body: str
    issuing_body: str
    place: str
    number_suffix: str
    secretariat_name: str
    # Who usually signs: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" / name. Empty ones print as dots.
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""


@dataclass(frozen=True, kw_only=True)
class DocumentContext(PrintedNames):
    """How this deployment names itself on the reports the secretariat issues (ranking,
    compliance, periodic report, model list), and the day they are dated (see config.py)."""

    today: date

    @classmethod
    def from_config(cls, config: Mapping[str, Any], today: date) -> DocumentContext:
        """The deployment's names alone (no organiser)."""
        return cls.from_organiser(None, config, today)

    @classmethod
    def from_organiser(cls, organiser, config: Mapping[str, Any], today: date) -> DocumentContext:
        """The names of the organiser that issues the report, each empty one taken from
        config.py (`organisers.names.document_names`)."""
        from ..organisers.names import document_names

        return cls(**printed_names(document_names(organiser, config)), today=today)

    def signature(self) -> Signature:
        """The signer block of a report: no "Như trên", these reports have no Kính gửi."""
        return Signature(signer_title=self.signer_title.upper(), signer_name=self.signer_name,
                         authority=self.signer_authority.upper(),
                         recipients=(f"- Lưu: VT, {self.secretariat_name}.",))


def printed_names(names: Mapping[str, str]) -> dict[str, str]:
    """The fields of `PrintedNames` from `organisers.names.document_names`."""
    return {
        "parent_body": names["parent_body_name"],
        "issuing_body": names["issuing_body_name"],
        "place": names["place_name"],
        "number_suffix": names["number_suffix"],
        "secretariat_name": names["secretariat_name"],
        "signer_authority": names["signer_authority"],
        "signer_title": names["signer_title"],
        "signer_name": names["signer_name"],
    }


BLANK_NUMBER = DOTS  # room to write the number in by hand


def document_number(number: str | None, kind: str, suffix: str) -> str:
    """ "Số: 12/TTr-SNV". A bare number gets the kind and suffix; none leaves a blank."""
    number = (number or "").strip()
    if not number:
        return f"Số: {BLANK_NUMBER}/{kind}-{suffix}"
    if number.isdigit():
        return f"Số: {number}/{kind}-{suffix}"
    return f"Số: {number}"


def document_header(ctx: DocumentContext, *, number: str, day: date, title: str, subtitles: Sequence[str] = (),
                    notes: Sequence[str] = (), draft: bool = False) -> DocumentHeader:
    """The ND 30 header from the deployment's settings; a name not configured prints as dots."""
    return DocumentHeader(
        parent_body=ctx.parent_body or DOTS,
        issuing_body=ctx.issuing_body or DOTS,
        number=number,
        place_date=format_document_date(ctx.place or DOTS, day),
        title=title,
        subtitles=tuple(subtitles),
        notes=tuple(notes),
        draft=draft,
    )


def _as_number(value: Decimal | float | int | None) -> float | int | None:
    """A score as the cell's number, at most two decimals (as core.formatting prints it)."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    value = value.quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


# --- Danh sách đề nghị khen thưởng -------------------------------------------------------


@dataclass(frozen=True)
class ProposalListLine:
    collective: bool
    recipient_name: str
    position_and_unit: str  # "Chức vụ, đơn vị"
    initiative_name: str
    summary: str
    score: Decimal | None
    grade: str
    award_form: str
    note: str
    field: str = ""  # lĩnh vực of the model


@dataclass(frozen=True)
class ProposalList:
    title: str
    year: int
    submission_number: str | None
    submission_date: date | None
    signer_name: str
    signer_title: str
    signer_authority: str
    lines: Sequence[ProposalListLine]
    approved: bool = False  # until the decision, the list is a draft (DỰ THẢO)


def model_columns(*, number_width: int = 6, name_width: int = 30, unit_width: int = 22) -> list[Column]:
    """The columns a list of models starts with: its number (STT), the model and its unit. The
    sheets freeze the first two."""
    return [
        Column("STT", "center", max_width=number_width),
        Column("Tên mô hình", max_width=name_width),
        Column("Đơn vị", max_width=unit_width),
    ]


EVALUATOR_COLUMN = Column("Thành viên hội đồng", "center", max_width=12)  # a number, never a name


# DOMAIN.md's order of a danh sách đề nghị khen thưởng.
PROPOSAL_COLUMNS = [
    Column("STT", "center", max_width=6),
    Column("Tên tập thể / Họ và tên", max_width=16),
    Column("Chức vụ, đơn vị", max_width=16),
    Column("Tên mô hình", max_width=18),
    Column("Lĩnh vực", max_width=10),
    Column("Điểm", "decimal", max_width=8),
    Column("Xếp loại", "center", max_width=9),
    Column("Tóm tắt thành tích", "long_text", max_width=44),
    Column("Hình thức khen thưởng đề nghị", max_width=13),
    Column("Ghi chú", max_width=9),
]


def _movement_line(title: str, year: int) -> str:
    prefix = "Đề nghị khen thưởng "
    if title.startswith(prefix) and len(title) > len(prefix):
        rest = title[len(prefix):]
        return rest[0].upper() + rest[1:]
    return title or f"Phong trào thi đua “Dân vận khéo” năm {year}"


def proposal_sheets(ctx: DocumentContext, proposal: ProposalList) -> list[Sheet]:
    """Danh sách đề nghị khen thưởng in the Nghị định 30/2020 layout."""
    number = document_number(proposal.submission_number, "TTr", ctx.number_suffix)
    number_text = number.removeprefix("Số: ")
    day_text = format_day(proposal.submission_date) if proposal.submission_date else f"…/…/{proposal.year}"
    header = document_header(
        ctx,
        number=number,
        day=proposal.submission_date or ctx.today,
        title="DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        subtitles=[_movement_line(proposal.title, proposal.year)],
        notes=[f"(Kèm theo Tờ trình số {number_text} ngày {day_text} của {ctx.issuing_body or DOTS})"],
        draft=not proposal.approved,
    )
    collective = [line for line in proposal.lines if line.collective]
    individual = [line for line in proposal.lines if not line.collective]

    def rows() -> Iterator[Sequence[Any] | Span]:
        for heading, lines in (("I. TẬP THỂ", collective), ("II. CÁ NHÂN", individual)):
            yield Span(heading)
            if not lines:
                yield Span("Không có", "note")
            for number, line in enumerate(lines, 1):
                yield [number, line.recipient_name, line.position_and_unit, line.initiative_name, line.field,
                       _as_number(line.score), line.grade, line.summary, line.award_form, line.note]
        yield Span(f"Tổng cộng: {len(collective)} tập thể và {len(individual)} cá nhân.", "total")
        by_form: dict[str, int] = {}
        for line in proposal.lines:
            by_form[line.award_form] = by_form.get(line.award_form, 0) + 1
        if by_form:
            yield Span("Trong đó: " + "; ".join(f"{name}: {count}" for name, count in by_form.items()) + ".",
                       "total")

    signature = Signature(
        signer_title=proposal.signer_title.upper(),
        signer_name=proposal.signer_name,
        authority=proposal.signer_authority.upper(),
        # No "Như trên": the list has no Kính gửi (its Tờ trình has).
        recipients=(f"- Lưu: VT, {ctx.secretariat_name}.",),
    )
    return [Sheet("Danh sách đề nghị", PROPOSAL_COLUMNS, rows(), header=header, signature=signature,
                  freeze_columns=2)]


# --- Ranking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInfo:
    code: str
    name: str
    max_score: Decimal


@dataclass(frozen=True)
class RankingLine:
    name: str
    unit_name: str
    field: str
    criterion_means: Mapping[str, Decimal | None]
    total: Decimal | None
    grade: str
    rank: int | None
    note: str = ""


@dataclass(frozen=True)
class ScoreLine:
    """One score: evaluator × model × criterion."""

    initiative_name: str
    unit_name: str
    evaluator: str
    criterion: str
    max_score: Decimal
    value: Decimal
    comment: str


@dataclass(frozen=True)
class CommentLine:
    """What one panel member wrote about one model, without the member's name."""

    initiative_name: str
    unit_name: str
    evaluator: str  # "Thành viên 2"
    total: Decimal | None
    text: str


def ranking_sheets(ctx: DocumentContext, *, round_name: str, year: int, criteria: Sequence[CriterionInfo],
                   lines: Iterable[RankingLine], scores: Iterable[ScoreLine], filters: Sequence[str] = (),
                   finalised: bool = True,
                   comments: Iterable[CommentLine] = (), basis_line: str | None = None,
                   voices: Iterable[VoiceLine] = ()) -> list[Sheet]:
    """Kết quả xếp hạng: one row per model, signed; then, as appendices, the panel's comments
    (Nhận xét) and one row per evaluator × model × criterion. Evaluators are numbered, never
    named. A ranking not finalised is a draft (DỰ THẢO).

    `filters` names the filters the lines were chosen by (a subtitle). The detail is never
    cut: a large one is built by a background job (jobs.runners)."""
    group = "Điểm trung bình theo tiêu chí"
    columns = [
        *model_columns(name_width=40, unit_width=30),
        Column("Lĩnh vực", max_width=14),
        *[Column(f"{c.code}. {c.name} ({format_score(c.max_score)})", "decimal", group=group, max_width=12)
          for c in criteria],
        Column("Tổng điểm", "decimal", max_width=10),
        Column("Xếp loại", "center", max_width=11),
        Column("Xếp hạng", "integer", max_width=9),
        Column("Ghi chú", max_width=20),
    ]
    codes = [c.code for c in criteria]

    def ranking_rows() -> Iterator[list[Any]]:
        for number, line in enumerate(lines, 1):
            yield [number, line.name, line.unit_name, line.field,
                   *[_as_number(line.criterion_means.get(code)) for code in codes],
                   _as_number(line.total), line.grade, line.rank, line.note]
        if basis_line:  # which score ranked (raw or adjusted for each evaluator's severity)
            yield Span(basis_line, "note")

    header = document_header(
        ctx,
        number=document_number(None, "BC", ctx.number_suffix),
        day=ctx.today,
        title="KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG MÔ HÌNH “DÂN VẬN KHÉO”",
        subtitles=[round_name if format_plain(year) in round_name else f"{round_name} (năm {format_plain(year)})",
                   *([f"({'; '.join(filters)})"] if filters else [])],
        draft=not finalised,
    )
    detail_columns = [
        *model_columns(number_width=7, unit_width=20),
        EVALUATOR_COLUMN,
        Column("Tiêu chí", max_width=26),
        Column("Điểm tối đa", "decimal", max_width=8),
        Column("Điểm chấm", "decimal", max_width=8),
        Column("Nhận xét", "long_text", max_width=34),
    ]
    comment_columns = [
        *model_columns(),
        EVALUATOR_COLUMN,
        Column("Tổng điểm", "decimal", max_width=8),
        Column("Nhận xét", "long_text", max_width=50),
    ]

    def comment_rows() -> Iterator[list[Any]]:
        for number, c in enumerate(comments, 1):
            yield [number, c.initiative_name, c.unit_name, c.evaluator, _as_number(c.total), c.text]

    def score_rows() -> Iterator[list[Any]]:
        for number, s in enumerate(scores, 1):
            yield [number, s.initiative_name, s.unit_name, s.evaluator, s.criterion, _as_number(s.max_score),
                   _as_number(s.value), s.comment]

    voice_columns = [
        *model_columns(),
        Column("Số ý kiến", "integer", group="Có mã phiếu (đã xác thực)", max_width=9),
        Column("Hài lòng TB (1–5)", "decimal", group="Có mã phiếu (đã xác thực)", max_width=10),
        Column("Số ý kiến", "integer", group="Không có mã phiếu (mở)", max_width=9),
        Column("Hài lòng TB (1–5)", "decimal", group="Không có mã phiếu (mở)", max_width=10),
        Column("Tỷ lệ có tham gia, hưởng lợi (%)", "integer", max_width=12),
        Column("Ý kiến giám sát của MTTQ, đoàn thể", max_width=18),
    ]

    def voice_rows() -> Iterator[list[Any]]:
        for number, v in enumerate(voices, 1):
            yield [number, v.initiative_name, v.unit_name, v.verified_count, _as_number(v.verified_mean),
                   v.open_count, _as_number(v.open_mean), v.took_part_percent, v.supervision]

    return [
        Sheet("Xếp hạng", columns, ranking_rows(), header=header, freeze_columns=2, signature=ctx.signature()),
        Sheet("Nhận xét", comment_columns, comment_rows(),
              title=f"PHỤ LỤC 1. NHẬN XÉT CỦA THÀNH VIÊN HỘI ĐỒNG — {round_name.upper()}",
              notes=["Thành viên hội đồng được đánh số theo danh sách hội đồng, không ghi tên."],
              freeze_columns=2),
        Sheet("Chi tiết phiếu chấm", detail_columns, score_rows(),
              title=f"PHỤ LỤC 2. CHI TIẾT ĐIỂM CHẤM — {round_name.upper()}",
              notes=["Mỗi dòng là điểm của một thành viên hội đồng cho một tiêu chí của một mô hình "
                     "(chỉ các phiếu đã nộp), theo thứ tự của trang Xếp hạng."],
              freeze_columns=2),
        Sheet("Ý kiến Nhân dân", voice_columns, voice_rows(),
              title=f"PHỤ LỤC 3. Ý KIẾN NHÂN DÂN VỀ CÁC MÔ HÌNH — {round_name.upper()}",
              notes=["Ý kiến qua phiếu khảo sát công khai (mã QR); có mã phiếu và không có mã phiếu tính riêng. "
                     "Ý kiến giám sát: số ý kiến của Mặt trận Tổ quốc, các đoàn thể theo từng mức. "
                     "Thông tin tham khảo cho Hội đồng, không tự cộng trừ điểm."],
              freeze_columns=2),
    ]


@dataclass(frozen=True)
class VoiceLine:
    """The people's voice on one ranked model (feedback tallies)."""

    initiative_name: str
    unit_name: str
    verified_count: int
    verified_mean: float | None
    open_count: int
    open_mean: float | None
    took_part_percent: int | None
    supervision: str = ""  # the MTTQ's opinions by stance, "1 đồng ý, 1 đồng ý một phần"


# --- Compliance --------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceLine:
    unit_name: str
    unit_kind: str
    deadline: date | None
    extension_until: date | None
    submitted: int
    waiting: int
    returned: int
    accepted: int
    rejected: int
    drafts: int
    status: str


COMPLIANCE_COLUMNS = [
    Column("STT", "center", max_width=6),
    Column("Đơn vị", max_width=36),
    Column("Loại đơn vị", max_width=22),
    Column("Hạn nộp", "date"),
    Column("Gia hạn đến", "date"),
    Column("Đã nộp", "integer", group="Số mô hình", max_width=9),
    Column("Chờ tiếp nhận", "integer", group="Số mô hình", max_width=10),
    Column("Trả lại", "integer", group="Số mô hình", max_width=9),
    Column("Đã tiếp nhận", "integer", group="Số mô hình", max_width=10),
    Column("Không tiếp nhận", "integer", group="Số mô hình", max_width=10),
    Column("Bản nháp", "integer", group="Số mô hình", max_width=9),
    Column("Tình trạng", "center", max_width=12),
]


def compliance_sheets(ctx: DocumentContext, year: int, lines: Sequence[ComplianceLine]) -> list[Sheet]:
    """Báo cáo tình hình đăng ký mô hình of a year, with the official header block."""
    header = document_header(
        ctx,
        number=document_number(None, "BC", ctx.number_suffix),
        day=ctx.today,
        title=f"BÁO CÁO TÌNH HÌNH ĐĂNG KÝ MÔ HÌNH “DÂN VẬN KHÉO” NĂM {format_plain(year)}",
        subtitles=[f"(Tính đến ngày {format_day(ctx.today)})"],
    )
    statuses: dict[str, int] = {}
    for line in lines:
        statuses[line.status] = statuses.get(line.status, 0) + 1

    def rows() -> Iterator[Sequence[Any] | Span]:
        for number, line in enumerate(lines, 1):
            yield [number, line.unit_name, line.unit_kind, line.deadline, line.extension_until, line.submitted,
                   line.waiting, line.returned, line.accepted, line.rejected, line.drafts, line.status]
        summary = "; ".join(f"{status}: {count}" for status, count in statuses.items())
        yield Span(f"Tổng cộng: {len(lines)} đơn vị" + (f" ({summary})" if summary else "") + ".", "total")

    return [Sheet(f"Năm {year}", COMPLIANCE_COLUMNS, rows(), header=header, freeze_columns=2,
                  signature=ctx.signature())]


# --- Registry listing ------------------------------------------------------------------------


# Twelve columns fit A4 landscape at 11 pt with room for names: the lead person and position
# share one, and the topic tags (searchable on the page) are left to the screen.
REGISTRY_COLUMNS = [
    *model_columns(number_width=7),
    Column("Năm", "center", max_width=6),
    Column("Lĩnh vực", max_width=12),
    Column("Tập thể / cá nhân", "center", max_width=9),
    Column("Trạng thái", "center", max_width=11),
    Column("Ngày nộp", "date"),
    Column("Người chủ trì, chức vụ", max_width=18),
    Column("Số người hưởng lợi", "integer", max_width=10),
    Column("Kinh phí ngân sách (đồng)", "integer", max_width=13),
    Column("Kinh phí xã hội hóa (đồng)", "integer", max_width=13),
]


def registry_sheets(ctx: DocumentContext, rows: Iterable[Sequence[Any]], filters: Sequence[str]) -> list[Sheet]:
    """The registry list as filtered on screen. `rows` are the columns after STT, streamed."""

    def numbered_rows() -> Iterator[list[Any]]:
        for number, row in enumerate(rows, 1):
            yield [number, *row]

    header = document_header(
        ctx,
        number=document_number(None, "DS", ctx.number_suffix),
        day=ctx.today,
        title="DANH SÁCH MÔ HÌNH “DÂN VẬN KHÉO”",
        notes=[("(Điều kiện lọc: " + "; ".join(filters) + ")") if filters
               else "(Điều kiện lọc: tất cả mô hình được xem)"],
    )
    return [Sheet("Danh sách mô hình", REGISTRY_COLUMNS, numbered_rows(), header=header, freeze_columns=2,
                  signature=ctx.signature())]
