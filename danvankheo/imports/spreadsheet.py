"""Reading the units-and-users spreadsheet: the template, the file checks and the per-row
validation. Nothing here writes to the database; `services.apply_import` does, and only
when every row is valid.

Passwords are never read from the sheet: a column that looks like one is ignored with a
warning, and new accounts get a generated password shown once to the admin.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.errors import DomainError
from ..core.roles import ROLE_LABELS, Role
from ..core.text import fold
from ..exports import layout
from ..units.models import UnitKind

UNITS_SHEET = "Đơn vị"
USERS_SHEET = "Người dùng"
GUIDE_SHEET = "Hướng dẫn"
MAX_ROWS = 5000  # per sheet; a province has a few hundred units and a few thousand users
MAX_SCANNED_ROWS = 50_000  # blank rows included, so a sheet of empty formatting cannot stall us

CODE_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
LOGIN_RE = re.compile(r"^[a-z0-9_.@+-]+$")
PHONE_RE = re.compile(r"^[0-9 +().-]{6,20}$")
PASSWORD_HEADERS = {"mat khau", "password", "mat khau ban dau", "matkhau"}


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    title: str
    required: bool = False
    width: float = 20
    help: str = ""


UNIT_COLUMNS = [
    ColumnSpec("code", "Mã đơn vị", True, 14, "Chữ không dấu, số và . _ - ; duy nhất. Nhập lại cùng mã để cập nhật."),
    ColumnSpec("name", "Tên đơn vị", True, 40),
    ColumnSpec("kind", "Loại đơn vị", True, 26, "Chọn trong danh sách (xem trang Hướng dẫn)."),
    ColumnSpec("parent", "Mã đơn vị cấp trên", False, 18, "Để trống nếu là đơn vị cấp cao nhất."),
]
USER_COLUMNS = [
    # Widths add up to A4 landscape at 100 % (exports.layout), so the sheet prints as it is.
    ColumnSpec("login", "Tên đăng nhập", True, 14, "Chữ thường không dấu; có thể là email. Nhập lại để cập nhật."),
    ColumnSpec("full_name", "Họ và tên", True, 20),
    ColumnSpec("email", "Email", False, 22),
    ColumnSpec("position", "Chức vụ", False, 16),
    ColumnSpec("phone", "Số điện thoại", False, 12, "Định dạng ô là Văn bản để giữ số 0 ở đầu."),
    ColumnSpec("unit", "Mã đơn vị", False, 10, "Bắt buộc với cán bộ đơn vị và thành viên hội đồng chấm."),
    ColumnSpec("roles", "Vai trò", True, 16, "Một hoặc nhiều vai trò, cách nhau bởi dấu phẩy."),
]


class ImportFileError(DomainError):
    """The file as a whole cannot be read; the message is shown to the admin."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # the row number Excel shows
    column: str
    message: str


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    kind: UnitKind | None  # None only on a row already refused
    parent_code: str | None


@dataclass
class UserRow:
    row: int
    login: str
    full_name: str
    email: str | None
    position: str | None
    phone: str | None
    unit_code: str | None
    roles: set[Role]


@dataclass
class ParsedImport:
    units: list[UnitRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rows already refused, kept so that the database checks report their other errors too.
    refused_units: list[UnitRow] = field(default_factory=list)
    refused_users: list[UserRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- Vocabulary ----------------------------------------------------------------------------


def _kind_aliases() -> dict[str, UnitKind]:
    aliases = {}
    for kind, label in UnitKind.labels().items():
        aliases[fold(kind.value)] = kind
        aliases[fold(label)] = kind
        aliases[fold(label.split("(")[0])] = kind
    return aliases


def _role_aliases() -> dict[str, Role]:
    aliases = {}
    for role, label in ROLE_LABELS.items():
        aliases[fold(role.value)] = role
        aliases[fold(label)] = role
        aliases[fold(label.split("(")[0])] = role
    aliases.update({"can bo": Role.STAFF, "hoi dong": Role.EVALUATOR, "giam khao": Role.EVALUATOR,
                    "thuong truc": Role.SECRETARIAT, "noi vu": Role.SECRETARIAT, "phong noi vu": Role.SECRETARIAT,
                    "theo doi": Role.OBSERVER, "lanh dao": Role.OBSERVER, "quan tri": Role.ADMIN,
                    "mttq": Role.SUPERVISOR, "mat tran": Role.SUPERVISOR, "giam sat": Role.SUPERVISOR})
    return aliases


KIND_ALIASES = _kind_aliases()
ROLE_ALIASES = _role_aliases()


# --- Template ------------------------------------------------------------------------------


def template_bytes() -> bytes:
    """The blank spreadsheet admins fill in: two data sheets and a guide."""
    wb = Workbook()
    layout.use_times_new_roman(wb)
    header_font = Font(name="Times New Roman", bold=True, size=12)
    body_font = Font(name="Times New Roman", size=12)
    fill = PatternFill("solid", fgColor="FCE4D6")
    for index, (title, columns) in enumerate(((UNITS_SHEET, UNIT_COLUMNS), (USERS_SHEET, USER_COLUMNS))):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = title
        for col, spec in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=col, value=spec.title + (" *" if spec.required else ""))
            cell.font, cell.fill = header_font, fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if spec.help:
                cell.comment = Comment(spec.help, "Dân vận khéo")
            letter = cell.column_letter
            ws.column_dimensions[letter].width = spec.width
            # Text format keeps leading zeros of codes and phone numbers.
            ws.column_dimensions[letter].number_format = "@"
        ws.freeze_panes = "A2"
        ws.row_dimensions[1].height = 32
        layout.page_setup(ws, "landscape")
        ws.print_title_rows = "1:1"
        if title == UNITS_SHEET:
            kinds = DataValidation(type="list", formula1=f"='{GUIDE_SHEET}'!$A$5:$A${4 + len(UnitKind.labels())}",
                                   allow_blank=False, showErrorMessage=True,
                                   errorTitle="Loại đơn vị", error="Chọn một loại đơn vị trong danh sách.")
            ws.add_data_validation(kinds)
            kinds.add(f"C2:C{MAX_ROWS + 1}")
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 80
    lines: list[tuple[str, str]] = [
        ("HƯỚNG DẪN NHẬP ĐƠN VỊ VÀ NGƯỜI DÙNG", ""),
        ("Cột có dấu * là bắt buộc. Dòng đầu tiên của mỗi trang là tên cột, không sửa.", ""),
        ("Tệp được nhập toàn bộ hoặc không nhập gì: nếu có một dòng lỗi, hệ thống liệt kê lỗi và không lưu.", ""),
        ("Loại đơn vị (cột C của trang Đơn vị)", "Mã tương ứng"),
        *[(label, kind.value) for kind, label in UnitKind.labels().items()],
        ("", ""),
        ("Vai trò (cột Vai trò của trang Người dùng)", "Mã tương ứng"),
        *[(label, role.value) for role, label in ROLE_LABELS.items()],
        ("", ""),
        ("Nhập lại", "Đơn vị có cùng mã và người dùng có cùng tên đăng nhập được cập nhật, không tạo trùng."),
        ("Mật khẩu", "Không nhập mật khẩu vào tệp. Tài khoản mới được cấp mật khẩu ngẫu nhiên, hiển thị một lần "
                     "sau khi nhập; người dùng phải đổi ở lần đăng nhập đầu."),
        ("Đơn vị cấp trên", "Có thể là đơn vị đã có trong hệ thống hoặc đơn vị khai trong cùng tệp."),
    ]
    layout.page_setup(guide, "landscape")
    for row, (a, b) in enumerate(lines, start=1):
        guide.cell(row=row, column=1, value=a).font = header_font if row in (1, 4) or b == "Mã tương ứng" else body_font
        guide.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        guide.cell(row=row, column=2, value=b).font = body_font
        guide.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        lines_needed = max(layout.line_count(a, 34, bold=True), layout.line_count(b, 80))
        guide.row_dimensions[row].height = layout.row_height(lines_needed)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Reading the file ------------------------------------------------------------------------


def open_workbook(filename: str, data: bytes):
    """The workbook, or an ImportFileError that says in Vietnamese what is wrong."""
    if not filename.lower().endswith(".xlsx"):
        raise ImportFileError("Tệp phải là bảng tính Excel định dạng .xlsx (Excel 2007 trở lên). "
                              "Hãy tải tệp mẫu, điền dữ liệu rồi lưu dưới dạng .xlsx.")
    if not data:
        raise ImportFileError("Tệp tải lên rỗng.")
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError("Tệp không phải bảng tính .xlsx hợp lệ (có thể là tệp .xls cũ, .csv đổi tên, "
                              "hoặc tệp bị hỏng). Hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged package
        raise ImportFileError("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.") from error


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _find_sheet(wb, title: str):
    wanted = fold(title)
    for ws in wb.worksheets:
        if fold(ws.title) == wanted:
            return ws
    return None


def _header_map(header: Iterable[Any], columns: list[ColumnSpec], sheet: str,
                warnings: list[str]) -> dict[str, int]:
    """Column key -> index, matching titles without accents, case or the * mark."""
    by_title = {fold(spec.title): spec.key for spec in columns}
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        title = fold(_text(value).replace("*", ""))
        if title in PASSWORD_HEADERS:
            warnings.append(f"Trang “{sheet}”: cột “{_text(value)}” bị bỏ qua — hệ thống không bao giờ đọc "
                            "mật khẩu từ tệp; tài khoản mới được cấp mật khẩu ngẫu nhiên.")
            continue
        key = by_title.get(title)
        if key and key not in positions:
            positions[key] = index
    missing = [spec.title for spec in columns if spec.required and spec.key not in positions]
    if missing:
        raise ImportFileError(
            f"Trang “{sheet}” thiếu cột: {', '.join('“' + m + '”' for m in missing)}. "
            "Dòng đầu tiên phải là tên cột như trong tệp mẫu."
        )
    return positions


def _rows(ws, columns: list[ColumnSpec], sheet: str, warnings: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return
    positions = _header_map(header, columns, sheet, warnings)
    seen = 0
    for number, values in enumerate(rows, start=2):
        if number > MAX_SCANNED_ROWS:
            break
        record = {key: _text(values[i]) if i < len(values) else "" for key, i in positions.items()}
        if not any(record.values()):
            continue
        seen += 1
        if seen > MAX_ROWS:
            raise ImportFileError(f"Trang “{sheet}” có quá {MAX_ROWS:,} dòng; hãy chia thành nhiều tệp.".replace(",", "."))
        yield number, record


def read_workbook(filename: str, data: bytes) -> ParsedImport:
    """Open the uploaded file, read and check every row, and close it (ImportFileError when the
    file itself cannot be read)."""
    workbook = open_workbook(filename, data)
    try:
        return parse_workbook(workbook)
    finally:
        workbook.close()


def parse_workbook(wb) -> ParsedImport:
    """Read and check every row. Cross-checks against the database happen in services."""
    units_ws, users_ws = _find_sheet(wb, UNITS_SHEET), _find_sheet(wb, USERS_SHEET)
    if units_ws is None and users_ws is None:
        names = ", ".join(f"“{ws.title}”" for ws in wb.worksheets)
        raise ImportFileError(
            f"Không tìm thấy trang “{UNITS_SHEET}” hoặc “{USERS_SHEET}” trong tệp (tệp có: {names}). "
            "Hãy dùng tệp mẫu và giữ nguyên tên các trang."
        )
    parsed = ParsedImport()
    if units_ws is not None:
        _parse_units(units_ws, parsed)
    if users_ws is not None:
        _parse_users(users_ws, parsed)
    if not parsed.units and not parsed.users and not parsed.errors:
        raise ImportFileError("Tệp không có dòng dữ liệu nào (ngoài dòng tên cột).")
    return parsed


def _text_fits(errors: list[RowError], sheet: str, number: int, column: str, value: str | None, *,
               required: bool = False, limit: int = 255) -> bool:
    """A text cell that must fit its column (and be filled, when `required`); else its RowError."""
    if required and not value:
        errors.append(RowError(sheet, number, column, f"Chưa nhập {column[0].lower()}{column[1:]}."))
        return False
    if value and len(value) > limit:
        errors.append(RowError(sheet, number, column, f"{column} dài quá {limit} ký tự."))
        return False
    return True


def _key_fits(errors: list[RowError], sheet: str, number: int, column: str, key: str | None,
              seen: dict[str, int], *, noun: str, invalid: str | None = None) -> bool:
    """A row's key (unit code, login, email): filled, well formed (`invalid` is the message
    when it is not) and on no earlier row of the sheet; `seen` maps the keys met so far to
    their row and takes this one. Else its RowError."""
    if not key:
        errors.append(RowError(sheet, number, column, f"Chưa nhập {column[0].lower()}{column[1:]}."))
        return False
    if invalid is not None:
        errors.append(RowError(sheet, number, column, invalid))
        return False
    if key in seen:
        errors.append(RowError(sheet, number, column, f"{noun} “{key}” bị trùng với dòng {seen[key]}."))
        return False
    seen[key] = number
    return True


def _parse_units(ws, parsed: ParsedImport) -> None:
    sheet, errors = UNITS_SHEET, parsed.errors
    seen: dict[str, int] = {}
    for number, r in _rows(ws, UNIT_COLUMNS, sheet, parsed.warnings):
        code = r.get("code", "").upper()
        malformed = None if len(code) <= 40 and CODE_RE.match(code) else (
            f"Mã “{code}” không hợp lệ: tối đa 40 ký tự, chỉ gồm chữ không dấu, số và . _ -")
        ok = _key_fits(errors, sheet, number, "Mã đơn vị", code, seen, noun="Mã", invalid=malformed)
        name = r.get("name", "")
        ok &= _text_fits(errors, sheet, number, "Tên đơn vị", name, required=True)
        raw_kind = r.get("kind", "")
        kind = KIND_ALIASES.get(fold(raw_kind))
        if kind is None:
            message = "Chưa chọn loại đơn vị." if not raw_kind else f"Loại đơn vị “{raw_kind}” không có trong danh sách."
            errors.append(RowError(sheet, number, "Loại đơn vị", message))
            ok = False
        parent = r.get("parent", "").upper() or None
        if parent is not None and parent == code:
            errors.append(RowError(sheet, number, "Mã đơn vị cấp trên", "Đơn vị không thể là cấp trên của chính nó."))
            ok = False
        (parsed.units if ok else parsed.refused_units).append(UnitRow(number, code, name, kind, parent))


def _parse_roles(raw: str) -> tuple[set[Role], list[str]]:
    roles, unknown = set(), []
    for part in re.split(r"[,;\n]+", raw):
        part = part.strip()
        if not part:
            continue
        role = ROLE_ALIASES.get(fold(part))
        if role is None:
            unknown.append(part)
        else:
            roles.add(role)
    return roles, unknown


def _parse_users(ws, parsed: ParsedImport) -> None:
    sheet, errors = USERS_SHEET, parsed.errors
    logins: dict[str, int] = {}
    emails: dict[str, int] = {}
    for number, r in _rows(ws, USER_COLUMNS, sheet, parsed.warnings):
        login = r.get("login", "").lower()
        malformed = None if 3 <= len(login) <= 255 and LOGIN_RE.match(login) else (
            f"“{login}” không hợp lệ: từ 3 ký tự, chỉ gồm chữ thường không dấu, số và . _ @ + -")
        ok = _key_fits(errors, sheet, number, "Tên đăng nhập", login, logins, noun="Tên đăng nhập", invalid=malformed)
        full_name = r.get("full_name", "")
        ok &= _text_fits(errors, sheet, number, "Họ và tên", full_name, required=True)
        email = r.get("email", "").lower() or None
        if email:  # optional: only a filled one is checked
            malformed = None
            try:
                email = validate_email(email, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                malformed = f"Email “{email}” không hợp lệ."
            ok &= _key_fits(errors, sheet, number, "Email", email, emails, noun="Email", invalid=malformed)
        position = r.get("position", "") or None
        ok &= _text_fits(errors, sheet, number, "Chức vụ", position)
        phone = r.get("phone", "") or None
        if phone and not PHONE_RE.match(phone):
            errors.append(RowError(sheet, number, "Số điện thoại", f"Số điện thoại “{phone}” không hợp lệ."))
            ok = False
        roles, unknown = _parse_roles(r.get("roles", ""))
        if unknown:
            errors.append(RowError(sheet, number, "Vai trò",
                                   "Vai trò không có trong danh sách: " + ", ".join(f"“{u}”" for u in unknown) + "."))
            ok = False
        elif not roles:
            errors.append(RowError(sheet, number, "Vai trò", "Chưa nhập vai trò."))
            ok = False
        unit_code = r.get("unit", "").upper() or None
        if roles & {Role.STAFF, Role.EVALUATOR} and not unit_code:
            errors.append(RowError(sheet, number, "Mã đơn vị",
                                   "Cán bộ đơn vị và thành viên hội đồng chấm phải có mã đơn vị."))
            ok = False
        if ok:
            parsed.users.append(UserRow(number, login, full_name, email, position, phone, unit_code, roles))
        else:
            email_ok = bool(email) and not any(e.row == number and e.column == "Email" for e in errors)
            parsed.refused_users.append(UserRow(number, login, full_name, email if email_ok else None,
                                                position, phone, unit_code, roles))
