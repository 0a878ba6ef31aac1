"""Importing units and users from a spreadsheet: template, valid, invalid, duplicate,
re-import and malformed files, all through the admin's upload page."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from danvankheo.audit.models import AuditEvent
from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.units.models import Unit, UnitKind
from tests import factories
from tests.factories import make_unit

UNIT_HEADER = ["Mã đơn vị *", "Tên đơn vị *", "Loại đơn vị *", "Mã đơn vị cấp trên"]
USER_HEADER = ["Tên đăng nhập *", "Họ và tên *", "Email", "Chức vụ", "Số điện thoại", "Mã đơn vị", "Vai trò *"]

UNITS = [
    ["NB", "UBND tỉnh Ninh Bình", "Tỉnh/thành phố", None],
    ["SYT", "Sở Y tế", "Sở, ban, ngành", "NB"],
    ["BVDK", "Bệnh viện Đa khoa tỉnh", "public_service", "SYT"],  # parent declared above, code accepted
    ["XGV", "UBND xã Gia Viễn", "ubnd xa/phuong/dac khu", "NB"],  # accents and case do not matter
]
USERS = [
    ["canbo.yte", "Phạm Thị Lan", "lan@yte.ninhbinh.gov.vn", "Chuyên viên", "0912 345 678", "SYT", "Cán bộ đơn vị"],
    ["giamkhao", "Hoàng Văn Bình", None, "Phó Giám đốc", None, "BVDK", "evaluator, theo dõi"],
    ["noivu", "Trần Thị Thu Hà", None, None, None, None, "Thường trực"],
]


def xlsx(units=UNITS, users=USERS, *, unit_header=UNIT_HEADER, user_header=USER_HEADER, titles=("Đơn vị", "Người dùng")):
    wb = Workbook()
    wb.active.title = titles[0]
    wb.active.append(unit_header)
    for row in units:
        wb.active.append(row)
    ws = wb.create_sheet(titles[1])
    ws.append(user_header)
    for row in users:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def admin(login_as):
    return login_as(Role.ADMIN)


def upload(client, data: bytes, filename: str = "don-vi.xlsx"):
    return client.post("/quan-tri/nhap-excel", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _errors(html: str) -> list[tuple[str, str, str, str]]:
    table = html.split('data-testid="error-report"')[1].split("</table>")[0]
    return [tuple(re.findall(r"<td>(.*?)</td>", row)) for row in re.findall(r"<tr><td>.*?</tr>", table)]


def test_the_template_downloads_and_has_the_columns(client, admin):
    response = client.get("/quan-tri/nhap-excel/mau")
    assert response.status_code == 200
    assert "filename*=UTF-8''M%E1%BA%ABu%20nh%E1%BA%ADp" in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.get_data()))
    assert wb.sheetnames == ["Đơn vị", "Người dùng", "Hướng dẫn"]
    assert [c.value for c in wb["Đơn vị"][1]] == UNIT_HEADER
    assert [c.value for c in wb["Người dùng"][1]] == USER_HEADER
    guide = {c.value for row in wb["Hướng dẫn"].iter_rows() for c in row}
    assert "UBND xã/phường/đặc khu" in guide and "Thành viên hội đồng chấm" in guide
    assert wb["Đơn vị"].data_validations.dataValidation  # the kind column offers a list


def test_a_valid_file_creates_the_tree_and_the_accounts(client, admin):
    response = upload(client, xlsx())
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "thêm 4 đơn vị, cập nhật 0 đơn vị; thêm 3 tài khoản" in html
    assert response.headers["Cache-Control"] == "no-store"
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    assert units["BVDK"].parent_id == units["SYT"].id and units["BVDK"].kind is UnitKind.PUBLIC_SERVICE
    assert units["XGV"].kind is UnitKind.COMMUNE and units["BVDK"].path == f"/{units['NB'].id}/{units['SYT'].id}/{units['BVDK'].id}/"
    lan = db.session.scalar(select(User).where(User.login == "canbo.yte"))
    assert lan.unit_id == units["SYT"].id and lan.roles == {Role.STAFF} and lan.phone == "0912 345 678"
    assert lan.must_change_password
    judge = db.session.scalar(select(User).where(User.login == "giamkhao"))
    assert judge.roles == {Role.EVALUATOR, Role.OBSERVER}
    # Each new account's one-time password is shown once, and it works.
    passwords = dict(re.findall(r"<td><code>([^<]+)</code></td><td>[^<]+</td><td><code data-testid=\"password\">([^<]+)</code>", html))
    assert set(passwords) == {"canbo.yte", "giamkhao", "noivu"}
    assert lan.check_password(passwords["canbo.yte"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import.xlsx"))
    assert event.changes["users_created"] == [None, 3] and event.object_label == "don-vi.xlsx"


def test_reimport_updates_by_code_and_login_without_duplicating(client, admin):
    assert upload(client, xlsx()).status_code == 200
    lan = db.session.scalar(select(User).where(User.login == "canbo.yte"))
    old_hash = lan.password_hash
    units = [list(row) for row in UNITS]
    units[2] = ["BVDK", "Bệnh viện Đa khoa tỉnh Ninh Bình", "Đơn vị sự nghiệp", "NB"]  # renamed and moved up
    users = [list(row) for row in USERS]
    users[0][3] = "Trưởng phòng"
    users[0][6] = "Cán bộ đơn vị; Theo dõi"
    response = upload(client, xlsx(units, users))
    html = response.get_data(as_text=True)
    assert "thêm 0 đơn vị, cập nhật 1 đơn vị; thêm 0 tài khoản, cập nhật 1 tài khoản" in html
    assert 'data-testid="new-accounts"' not in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 4
    assert db.session.scalar(select(func.count()).select_from(User)) == 4  # three imported + the admin
    hospital = db.session.scalar(select(Unit).where(Unit.code == "BVDK"))
    assert hospital.name == "Bệnh viện Đa khoa tỉnh Ninh Bình" and hospital.parent.code == "NB"
    lan = db.session.scalar(select(User).where(User.login == "canbo.yte"))
    assert lan.position == "Trưởng phòng" and lan.roles == {Role.STAFF, Role.OBSERVER}
    assert lan.password_hash == old_hash  # a re-import never touches passwords


def test_an_invalid_file_imports_nothing_and_reports_every_row(client, admin):
    make_unit("Sở Tư pháp", code="STP")
    db.session.commit()
    units = [
        ["NB", "UBND tỉnh Ninh Bình", "Tỉnh/thành phố", None],
        ["", "Thiếu mã", "Sở, ban, ngành", None],
        ["NB", "Trùng mã", "Sở, ban, ngành", None],
        ["SXX", "Sở Không Rõ", "Bộ", "KHONGCO"],
        ["MÃ CÓ DẤU", "Sai mã", "Khác", None],
    ]
    users = [
        ["Sai Login", "Ai Đó", "khong-phai-email", None, "abc", "STP", "Cán bộ đơn vị"],
        ["canbo", "", None, None, None, None, "Cán bộ đơn vị"],
        ["canbo", "Trùng tên đăng nhập", None, None, None, "NB", "Quản trị"],
        ["khach", "Vai trò lạ", None, None, None, "NB", "Khách mời"],
        ["chuaco.donvi", "Không đơn vị", None, None, None, "KHONGCO", "staff"],
    ]
    response = upload(client, xlsx(units, users))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chưa nhập gì" in html
    errors = _errors(html)
    expected = {
        ("Đơn vị", "3", "Mã đơn vị", "Chưa nhập mã đơn vị."),
        ("Đơn vị", "4", "Mã đơn vị", "Mã “NB” bị trùng với dòng 2."),
        ("Đơn vị", "5", "Loại đơn vị", "Loại đơn vị “Bộ” không có trong danh sách."),
        ("Người dùng", "4", "Tên đăng nhập", "Tên đăng nhập “canbo” bị trùng với dòng 3."),
        ("Người dùng", "5", "Vai trò", "Vai trò không có trong danh sách: “Khách mời”."),
        ("Người dùng", "6", "Mã đơn vị", "Không có đơn vị mã “KHONGCO” trong hệ thống hay trong trang Đơn vị."),
        ("Người dùng", "3", "Họ và tên", "Chưa nhập họ và tên."),
        ("Người dùng", "2", "Email", "Email “khong-phai-email” không hợp lệ."),
        ("Người dùng", "2", "Số điện thoại", "Số điện thoại “abc” không hợp lệ."),
    }
    assert expected <= set(errors), errors
    assert any(e[:3] == ("Đơn vị", "6", "Mã đơn vị") for e in errors)
    assert any(e[:3] == ("Người dùng", "2", "Tên đăng nhập") for e in errors)
    # All or nothing: the valid rows were not imported either.
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 1
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_loop_in_the_tree_is_refused(client, admin):
    units = [["A1", "Đơn vị A", "Khác", "B1"], ["B1", "Đơn vị B", "Khác", "A1"]]
    response = upload(client, xlsx(units, []))
    assert response.status_code == 200
    assert "vòng lặp" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_an_email_of_another_account_is_refused(client, admin, make_user):
    make_user(Role.OBSERVER, login="lanh.dao", email="chung@ninhbinh.gov.vn")
    users = [["nguoi.moi", "Người Mới", "chung@ninhbinh.gov.vn", None, None, None, "Theo dõi"]]
    response = upload(client, xlsx([], users))
    assert response.status_code == 200
    assert "đang được dùng cho tài khoản “lanh.dao”" in response.get_data(as_text=True)


def test_a_password_column_is_never_read(client, admin):
    factories.ensure_organiser()  # an observer's role is held within an organiser
    db.session.commit()
    header = [*USER_HEADER, "Mật khẩu"]
    users = [["ke.toan", "Lý Thị Mai", None, None, None, None, "Theo dõi", "MatKhau12345"]]
    html = upload(client, xlsx([], users, user_header=header)).get_data(as_text=True)
    assert "bị bỏ qua" in html and "không bao giờ đọc" in html
    user = db.session.scalar(select(User).where(User.login == "ke.toan"))
    assert user is not None and not user.check_password("MatKhau12345")


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("danh-sach.xls", b"\xd0\xcf\x11\xe0 old excel", "định dạng .xlsx"),
        ("danh-sach.csv", b"ma,ten\nNB,Ninh Binh\n", "định dạng .xlsx"),
        ("danh-sach.xlsx", b"ma,ten\nNB,Ninh Binh\n", "không phải bảng tính .xlsx hợp lệ"),
        ("danh-sach.xlsx", b"PK\x03\x04 broken zip", "không phải bảng tính .xlsx hợp lệ"),
        ("danh-sach.xlsx", b"", "rỗng"),
    ],
)
def test_malformed_files_get_a_clear_message(client, admin, filename, data, message):
    response = upload(client, data, filename)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and 'data-testid="file-error"' in html


def test_a_zip_that_is_not_a_workbook(client, admin):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("hello.txt", "xin chào")
    response = upload(client, buffer.getvalue())
    assert response.status_code == 200
    assert "Không đọc được tệp Excel" in response.get_data(as_text=True)


def test_wrong_sheets_or_columns(client, admin):
    wrong_sheet = upload(client, xlsx(titles=("Sheet1", "Sheet2")))
    assert wrong_sheet.status_code == 200
    assert "Không tìm thấy trang “Đơn vị” hoặc “Người dùng”" in wrong_sheet.get_data(as_text=True)
    wrong_columns = upload(client, xlsx(unit_header=["Mã", "Tên"]))
    assert wrong_columns.status_code == 200
    assert "Trang “Đơn vị” thiếu cột: “Mã đơn vị”, “Tên đơn vị”, “Loại đơn vị”" in wrong_columns.get_data(as_text=True)
    empty = upload(client, xlsx([], []))
    assert "không có dòng dữ liệu nào" in empty.get_data(as_text=True)


def test_no_file_and_no_access(client, login_as):
    login_as(Role.SECRETARIAT)
    assert client.get("/quan-tri/nhap-excel").status_code == 403
    assert client.get("/quan-tri/nhap-excel/mau").status_code == 403


def test_missing_file_is_a_form_error(client, admin):
    response = client.post("/quan-tri/nhap-excel", data={}, content_type="multipart/form-data")
    assert response.status_code == 200 and "Vui lòng chọn tệp .xlsx" in response.get_data(as_text=True)


def test_the_admin_home_links_to_the_import(client, admin):
    assert "/quan-tri/nhap-excel" in client.get("/trang-chu").get_data(as_text=True)


def test_every_error_of_every_row_is_listed_also_those_found_in_the_database(client, admin):
    units = [
        ["SXX", "", "Bộ", "KHONGCO"],  # three errors: name, kind, and an unknown parent
    ]
    users = [
        # bad login, bad email, unknown role and an unknown unit code: four errors on one row
        ["Sai Login", "Ai Đó", "khong-phai-email", None, None, "KHONGCO", "Khách mời"],
        ["dung", "Đúng", None, None, None, "SXX", "staff"],  # refers to the refused unit: no extra error
    ]
    html = upload(client, xlsx(units, users)).get_data(as_text=True)
    errors = _errors(html)
    assert [e[2] for e in errors if e[0] == "Đơn vị"] == ["Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"]
    assert [e[2] for e in errors if e[0] == "Người dùng"] == ["Tên đăng nhập", "Email", "Mã đơn vị", "Vai trò"]
    assert not any(e[1] == "3" and e[0] == "Người dùng" for e in errors)
    assert f"có {len(errors)} lỗi" in html
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_refusals_while_writing_are_all_listed_and_nothing_is_kept(client, admin, monkeypatch):
    from danvankheo.auth import services as accounts

    real = accounts.create_user

    def refuse_some(**kwargs):
        if kwargs["login"] in {"canbo.yte", "noivu"}:
            raise accounts.UserError(f"Không tạo được tài khoản {kwargs['login']}.")
        return real(**kwargs)

    monkeypatch.setattr(accounts, "create_user", refuse_some)
    html = upload(client, xlsx()).get_data(as_text=True)
    errors = _errors(html)
    assert [(e[0], e[1]) for e in errors] == [("Người dùng", "2"), ("Người dùng", "4")]
    assert "Chưa nhập gì" in html
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the admin only
