"""Importing units and users: checks against the database, then all or nothing.

`check_against_database` adds the errors that need the existing data (unknown parent or
unit codes, loops in the tree, an email used by another account). `apply_import` runs
only on a clean file, through the same services the admin screens use, and flushes; the
view commits once, so a failure midway leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..audit.services import record
from ..auth import services as accounts
from ..auth.models import User
from ..auth.passwords import generate_password, password_problems
from ..core.errors import DomainError
from ..extensions import db
from ..units import services as unit_service
from ..units.models import Unit
from .spreadsheet import UNIT_COLUMNS, UNITS_SHEET, USER_COLUMNS, USERS_SHEET, ParsedImport, RowError


@dataclass(frozen=True)
class NewAccount:
    """A created account and its one-time password, shown once after the import."""

    login: str
    full_name: str
    password: str


@dataclass
class ImportResult:
    units_created: int = 0
    units_updated: int = 0
    users_created: int = 0
    users_updated: int = 0
    new_accounts: list[NewAccount] = field(default_factory=list)


MAX_NEW_ACCOUNTS = 200


class ImportRejected(DomainError):
    """Services refused rows while applying; everything is rolled back. Every refusal is kept."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def check_against_database(parsed: ParsedImport) -> None:
    """Add to `parsed.errors` what only the existing data can tell."""
    existing = {u.code.upper(): u for u in db.session.scalars(select(Unit))}
    sheet_codes = {row.code: row for row in parsed.units}
    # A refused row's code still names a unit the admin means to create: no second error
    # ("unknown unit") for the rows that refer to it.
    known = set(existing) | set(sheet_codes) | {row.code for row in parsed.refused_units if row.code}
    ids_to_code = {u.id: code for code, u in existing.items()}
    # The tree after the import: the sheet's parents override the database's.
    parent_of: dict[str, str | None] = {
        code: ids_to_code.get(unit.parent_id) if unit.parent_id else None for code, unit in existing.items()
    }
    for row in sorted(parsed.units + parsed.refused_units, key=lambda r: r.row):
        refused = row.code not in sheet_codes or sheet_codes[row.code] is not row
        if row.parent_code is None:
            if not refused:
                parent_of[row.code] = None
            continue
        if row.parent_code not in known:
            parsed.errors.append(RowError(UNITS_SHEET, row.row, "Mã đơn vị cấp trên",
                                          f"Không có đơn vị mã “{row.parent_code}” trong hệ thống hay trong tệp."))
            continue
        parent = existing.get(row.parent_code)
        if parent is not None and not parent.is_active and row.parent_code not in sheet_codes:
            parsed.errors.append(RowError(UNITS_SHEET, row.row, "Mã đơn vị cấp trên",
                                          f"Đơn vị cấp trên “{parent.name}” đã ngừng hoạt động."))
            continue
        if not refused:
            parent_of[row.code] = row.parent_code
    for row in parsed.units:
        seen, code = set(), row.code
        while code is not None:
            if code in seen:
                parsed.errors.append(RowError(UNITS_SHEET, row.row, "Mã đơn vị cấp trên",
                                              "Đơn vị cấp trên tạo thành vòng lặp (đơn vị nằm dưới chính nó)."))
                break
            seen.add(code)
            code = parent_of.get(code)

    users = {u.login: u for u in db.session.scalars(select(User))}
    emails = {u.email.lower(): u.login for u in users.values() if u.email}
    new_accounts = [row for row in parsed.users if row.login not in users]
    if len(new_accounts) > MAX_NEW_ACCOUNTS:
        # Each new account's password is hashed with the production's slow hash: keep one
        # request well inside the server's timeout.
        first = new_accounts[MAX_NEW_ACCOUNTS]
        parsed.errors.append(RowError(USERS_SHEET, first.row, "Tên đăng nhập",
                                      f"Mỗi lần nhập tạo tối đa {MAX_NEW_ACCOUNTS} tài khoản mới "
                                      f"(tệp có {len(new_accounts)}); hãy chia thành nhiều tệp."))
    for row in parsed.users + parsed.refused_users:
        if row.unit_code and row.unit_code not in known:
            parsed.errors.append(RowError(USERS_SHEET, row.row, "Mã đơn vị",
                                          f"Không có đơn vị mã “{row.unit_code}” trong hệ thống hay trong trang Đơn vị."))
        owner = emails.get(row.email) if row.email else None
        if owner is not None and owner != row.login:
            parsed.errors.append(RowError(USERS_SHEET, row.row, "Email",
                                          f"Email “{row.email}” đang được dùng cho tài khoản “{owner}”."))
    columns = {title: i for i, title in enumerate(
        [c.title for c in UNIT_COLUMNS] + [c.title for c in USER_COLUMNS])}
    parsed.errors.sort(key=lambda e: (e.sheet != UNITS_SHEET, e.row, columns.get(e.column, 99)))


def _unit_order(parsed: ParsedImport) -> list:
    """Parents before children, so every parent exists when its child is written."""
    by_code = {row.code: row for row in parsed.units}
    ordered, placed = [], set()

    def place(row) -> None:
        if row.code in placed:
            return
        parent = by_code.get(row.parent_code) if row.parent_code else None
        if parent is not None:
            place(parent)
        placed.add(row.code)
        ordered.append(row)

    for row in parsed.units:
        place(row)
    return ordered


def apply_import(parsed: ParsedImport, *, actor=None, filename: str = "") -> ImportResult:
    """Write every row; raises ImportRejected listing every refused row (the caller rolls back).

    The services check before they change anything, so after a refused row the rows after it
    are still tried: the admin sees all the refusals at once. Any refusal and the caller
    rolls the whole import back (no savepoints: SQLite's driver would commit on RELEASE).
    """
    result = ImportResult()
    refusals: list[RowError] = []
    units = {u.code.upper(): u for u in db.session.scalars(select(Unit))}
    for row in _unit_order(parsed):
        parent = units.get(row.parent_code) if row.parent_code else None
        unit = units.get(row.code)
        try:
            if unit is None:
                units[row.code] = unit_service.create_unit(code=row.code, name=row.name, kind=row.kind, parent=parent)
                result.units_created += 1
            else:
                changed = unit.name != row.name or unit.kind != row.kind or unit.parent_id != (parent.id if parent else None)
                unit_service.update_unit(unit, name=row.name, code=row.code, kind=row.kind)
                if unit.parent_id != (parent.id if parent else None):
                    unit_service.move_unit(unit, parent)
                    units = {u.code.upper(): u for u in db.session.scalars(select(Unit))}
                result.units_updated += int(changed)
        except unit_service.UnitError as error:
            refusals.append(RowError(UNITS_SHEET, row.row, "Mã đơn vị", str(error)))

    for row in parsed.users:
        unit = units.get(row.unit_code) if row.unit_code else None
        user = db.session.scalar(select(User).where(User.login == row.login))
        try:
            if user is None:
                password = _one_time_password(row.login, row.full_name)
                accounts.create_user(
                    login=row.login, full_name=row.full_name, password=password, roles=row.roles, unit=unit,
                    email=row.email, position=row.position, phone=row.phone, must_change_password=True,
                )
                result.users_created += 1
                result.new_accounts.append(NewAccount(row.login, row.full_name, password))
            else:
                before = _user_snapshot(user)
                accounts.update_user(
                    user, login=row.login, full_name=row.full_name, email=row.email, position=row.position,
                    phone=row.phone, unit=unit, roles=row.roles, is_active=user.is_active,
                )
                result.users_updated += int(_user_snapshot(user) != before)
        except DomainError as error:  # accounts.UserError, or a role with no organiser to hold it
            column = {"email": "Email", "roles": "Vai trò"}.get(error.field, "Tên đăng nhập")
            refusals.append(RowError(USERS_SHEET, row.row, column, str(error)))
    if refusals:
        raise ImportRejected(refusals)
    db.session.flush()
    record(
        "import.xlsx",
        object_type="Import",
        label=filename or "Nhập đơn vị và người dùng",
        changes={
            "units_created": [None, result.units_created],
            "units_updated": [None, result.units_updated],
            "users_created": [None, result.users_created],
            "users_updated": [None, result.users_updated],
        },
        actor=actor,
    )
    return result


def _one_time_password(login: str, full_name: str) -> str:
    while True:
        password = generate_password()
        if not password_problems(password, login, full_name):
            return password


def _user_snapshot(user: User) -> tuple:
    return (user.login, user.full_name, user.email, user.position, user.phone, user.unit_id,
            tuple(sorted(r.value for r in user.roles)))

