import re

import pytest
from sqlalchemy import func, select

from danvankheo.audit.models import AuditEvent
from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.units.models import Unit, UnitKind
from tests import factories
from tests.factories import make_unit
from tests.keyset_walk import walk
from tests.markup import field_errors

ADMIN_PAGES = ["/quan-tri/don-vi", "/quan-tri/don-vi/moi", "/quan-tri/nguoi-dung", "/quan-tri/nguoi-dung/moi"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize("role", [Role.STAFF, Role.EVALUATOR, Role.SECRETARIAT, Role.OBSERVER])
def test_admin_pages_refuse_other_roles(client, login_as, path, role):
    login_as(role)
    response = client.get(path)
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)


def test_create_unit(client, login_as):
    login_as(Role.ADMIN)
    parent = make_unit("UBND tỉnh", kind=UnitKind.PROVINCE)
    db.session.commit()
    response = client.post(
        "/quan-tri/don-vi/moi",
        data={"code": "stp", "name": "Sở Tư pháp", "kind": "department", "parent_id": parent.id},
    )
    assert response.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.code == "STP"))
    assert unit.parent_id == parent.id
    assert unit.path == f"{parent.path}{unit.id}/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "", "name": "Sở A", "kind": "department", "parent_id": 0}, "Vui lòng nhập trường này."),
        ({"code": "A B", "name": "Sở A", "kind": "department", "parent_id": 0}, "Mã chỉ gồm"),
        ({"code": "SA", "name": "", "kind": "department", "parent_id": 0}, "Vui lòng nhập trường này."),
        ({"code": "SA", "name": "Sở A", "kind": "planet", "parent_id": 0}, "Lựa chọn không hợp lệ."),
        ({"code": "SA", "name": "Sở A", "kind": "department", "parent_id": 99999}, "Lựa chọn không hợp lệ."),
    ],
)
def test_unit_validation_errors_show_next_to_the_field(client, login_as, data, message):
    login_as(Role.ADMIN)
    response = client.post("/quan-tri/don-vi/moi", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "invalid-feedback" in page
    assert message in page
    assert db.session.scalar(select(Unit).where(Unit.name == "Sở A")) is None


def test_duplicate_unit_code_is_refused(client, login_as):
    login_as(Role.ADMIN)
    make_unit(code="STP")
    db.session.commit()
    page = client.post(
        "/quan-tri/don-vi/moi", data={"code": "stp", "name": "Khác", "kind": "department", "parent_id": 0}
    ).get_data(as_text=True)
    assert "đã được dùng" in page


def test_rename_and_move_unit_moves_its_subtree(client, login_as):
    login_as(Role.ADMIN)
    a = make_unit("Huyện A", kind=UnitKind.DISTRICT)
    b = make_unit("Tỉnh B", kind=UnitKind.PROVINCE)
    child = make_unit("Xã con", kind=UnitKind.COMMUNE, parent=a)
    grandchild = make_unit("Thôn cháu", kind=UnitKind.OTHER, parent=child)
    db.session.commit()
    response = client.post(
        f"/quan-tri/don-vi/{child.id}",
        data={"code": child.code, "name": "Xã Đồng Tâm", "kind": "commune", "parent_id": b.id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    child, grandchild = db.session.get(Unit, child.id), db.session.get(Unit, grandchild.id)
    assert child.name == "Xã Đồng Tâm" and child.parent_id == b.id
    assert child.path == f"{b.path}{child.id}/"
    assert grandchild.path == f"{b.path}{child.id}/{grandchild.id}/"


def test_cannot_move_unit_below_itself(client, login_as):
    login_as(Role.ADMIN)
    a = make_unit("A")
    child = make_unit("B", parent=a)
    db.session.commit()
    response = client.post(
        f"/quan-tri/don-vi/{a.id}", data={"code": a.code, "name": "A", "kind": "department", "parent_id": child.id}
    )
    assert response.status_code == 200  # the descendant is not even offered as a choice
    db.session.expire_all()
    assert db.session.get(Unit, a.id).parent_id is None


def test_deactivate_unit_keeps_it(client, login_as):
    login_as(Role.ADMIN)
    unit = make_unit("Sở cũ")
    db.session.commit()
    client.post(f"/quan-tri/don-vi/{unit.id}/trang-thai", data={"active": "0"}, follow_redirects=True)
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).is_active is False
    assert "Sở cũ" not in client.get("/quan-tri/don-vi").get_data(as_text=True)
    assert "Sở cũ" in client.get("/quan-tri/don-vi?tat_ca=1").get_data(as_text=True)


def test_unit_with_active_children_cannot_be_deactivated(client, login_as):
    login_as(Role.ADMIN)
    parent = make_unit("Cha")
    make_unit("Con", parent=parent)
    db.session.commit()
    response = client.post(f"/quan-tri/don-vi/{parent.id}/trang-thai", data={"active": "0"}, follow_redirects=True)
    assert "còn đơn vị trực thuộc" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, parent.id).is_active


def test_unit_tree_sorts_vietnamese_names(client, login_as):
    login_as(Role.ADMIN)
    for name in ["Sở Y tế", "Đài Phát thanh", "Ban Dân tộc", "Sở Du lịch", "Ủy ban MTTQ", "Sở Ẩm thực"]:
        make_unit(name)
    db.session.commit()
    page = client.get("/quan-tri/don-vi").get_data(as_text=True)
    positions = [page.index(n) for n in ["Ban Dân tộc", "Đài Phát thanh", "Sở Ẩm thực", "Sở Du lịch", "Sở Y tế", "Ủy ban MTTQ"]]
    assert positions == sorted(positions)


def test_create_user_with_generated_password(client, login_as):
    login_as(Role.ADMIN)
    unit = make_unit()
    db.session.commit()
    response = client.post(
        "/quan-tri/nguoi-dung/moi",
        data={"login": "Can.Bo", "full_name": "Trần Văn Bộ", "email": "", "position": "Chuyên viên",
              "phone": "0912345678", "unit_id": unit.id, "roles": ["staff", "evaluator"]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "chỉ hiển thị một lần" in page
    user = db.session.scalar(select(User).where(User.login == "can.bo"))
    assert user.roles == {Role.STAFF, Role.EVALUATOR}
    assert user.must_change_password


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"login": "", "full_name": "A", "roles": ["observer"]}, "Vui lòng nhập trường này."),
        ({"login": "Có Dấu", "full_name": "A", "roles": ["observer"]}, "chỉ gồm chữ thường không dấu"),
        ({"login": "abc", "full_name": "A", "roles": []}, "Chọn ít nhất một vai trò."),
        ({"login": "abc", "full_name": "A", "roles": ["staff"], "unit_id": 0}, "phải thuộc một đơn vị"),
        ({"login": "abc", "full_name": "A", "roles": ["observer"], "email": "khong-phai-email"}, "Địa chỉ email không hợp lệ."),
        ({"login": "abc", "full_name": "A", "roles": ["observer"], "password": "123"}, "ít nhất 10 ký tự"),
        ({"login": "abc", "full_name": "A", "roles": ["observer"], "phone": "gọi tôi"}, "Số điện thoại không hợp lệ."),
    ],
)
def test_user_validation(client, login_as, data, message):
    login_as(Role.ADMIN)
    data = {"unit_id": 0, **data}
    response = client.post("/quan-tri/nguoi-dung/moi", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_duplicate_login_refused(client, login_as, make_user):
    login_as(Role.ADMIN)
    make_user(Role.OBSERVER, login="trung")
    page = client.post(
        "/quan-tri/nguoi-dung/moi", data={"login": "trung", "full_name": "B", "roles": ["observer"], "unit_id": 0}
    ).get_data(as_text=True)
    assert "đã được dùng" in page


def test_edit_user_roles_and_unit(client, login_as, make_user):
    login_as(Role.ADMIN)
    user = make_user(Role.STAFF)
    other = make_unit("Sở khác")
    db.session.commit()
    response = client.post(
        f"/quan-tri/nguoi-dung/{user.id}",
        data={"login": user.login, "full_name": "Tên Mới", "unit_id": other.id, "roles": ["evaluator"],
              "is_active": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.roles == {Role.EVALUATOR} and user.unit_id == other.id and user.full_name == "Tên Mới"


def test_deactivate_user_and_reset_password(client, login_as, make_user):
    login_as(Role.ADMIN)
    user = make_user(Role.STAFF)
    version = user.session_version
    client.post(f"/quan-tri/nguoi-dung/{user.id}/trang-thai", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, user.id).is_active is False
    page = client.post(f"/quan-tri/nguoi-dung/{user.id}/dat-lai-mat-khau", follow_redirects=True).get_data(as_text=True)
    assert "PHIẾU CẤP LẠI MẬT KHẨU" in page and 'data-testid="slip-password"' in page
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.session_version > version + 1 and user.must_change_password


def test_admin_cannot_lock_themselves_out(client, login_as):
    admin = login_as(Role.ADMIN)
    page = client.post(f"/quan-tri/nguoi-dung/{admin.id}/trang-thai", data={"active": "0"}, follow_redirects=True)
    assert "Bạn không thể tự khóa tài khoản của mình." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active


OWN_ADMIN_ROLE = "Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình."


def _own_account(admin: User, **changes) -> dict:
    """The edit form of the admin's own account as posted, with a new name and `changes` (None:
    not sent, as an unticked box); the admin belongs to a unit, so that the unit's staff role
    alone would be a valid account."""
    posted = {"login": admin.login, "full_name": "Tên Mới Của Tôi", "email": admin.email or "",
              "position": admin.position or "", "phone": "", "unit_id": admin.unit_id or 0, "organiser_id": 0,
              "roles": ["admin"], "is_active": "y", **changes}
    return {key: value for key, value in posted.items() if value is not None}


@pytest.mark.parametrize(
    "changes",
    [{"roles": ["staff"]}, {"is_active": None}, {"roles": ["staff"], "is_active": None}],
    ids=["drops-admin-role", "locks-own-account", "both"],
)
def test_admin_cannot_drop_their_own_admin_role_or_lock_themselves_on_the_edit_page(client, login_as, changes):
    """The refusal sits under the roles, the form comes back as posted, and nothing of the
    edit is kept: not the name either, and no audit entry."""
    admin = login_as(Role.ADMIN, full_name="Quản Trị Viên", unit=make_unit())
    session_version = admin.session_version
    response = client.post(f"/quan-tri/nguoi-dung/{admin.id}", data=_own_account(admin, **changes))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_errors(page, "roles") == [OWN_ADMIN_ROLE]
    assert field_errors(page, "login") == []
    assert 'value="Tên Mới Của Tôi"' in page  # the form as posted, to correct
    db.session.expire_all()
    admin = db.session.get(User, admin.id)
    assert Role.ADMIN in admin.roles and admin.is_active
    assert admin.full_name == "Quản Trị Viên" and admin.session_version == session_version
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "user.update", AuditEvent.object_id == admin.id)) == 0


def test_admin_may_edit_the_rest_of_their_own_account(client, login_as):
    admin = login_as(Role.ADMIN, full_name="Quản Trị Viên", unit=make_unit())
    response = client.post(f"/quan-tri/nguoi-dung/{admin.id}", data=_own_account(admin, roles=["admin", "staff"]))
    assert response.status_code == 302
    db.session.expire_all()
    admin = db.session.get(User, admin.id)
    assert admin.roles == {Role.ADMIN, Role.STAFF} and admin.is_active and admin.full_name == "Tên Mới Của Tôi"


def test_user_search_ignores_diacritics(client, login_as, make_user):
    login_as(Role.ADMIN)
    make_user(Role.OBSERVER, full_name="Đặng Thị Huyền")
    page = client.get("/quan-tri/nguoi-dung?q=dang thi huyen").get_data(as_text=True)
    assert "Đặng Thị Huyền" in page


def test_user_list_is_paged_by_key_by_name_with_its_filter(client, login_as):
    """120 evaluators among others, namesakes included, 50 to a page: with the role filter on,
    each comes once in name order (the id between namesakes), forward and back."""
    login_as(Role.ADMIN)
    given = ["An", "Ánh", "Bình", "Dũng", "Đạt", "Hà", "Huyền", "Yến"]
    for n in range(120):
        factories.make_user(Role.EVALUATOR, full_name=f"Nguyễn Văn {given[n % len(given)]}")
        factories.make_user(Role.STAFF, full_name=f"Trần Thị {given[n % len(given)]}")
    db.session.commit()
    expected = list(db.session.scalars(
        select(User.login).where(User.role_links.any(role=Role.EVALUATOR)).order_by(User.sort_name, User.id)))
    forward, backward = walk(client, "/quan-tri/nguoi-dung?vai_tro=evaluator", _logins, "vai_tro=evaluator")
    assert [len(logins) for logins in forward] == [50, 50, 20]
    assert [login for logins in forward for login in logins] == expected
    assert backward == forward[::-1]


def _logins(page: str) -> list[str]:
    return re.findall(r"<td><code>([^<]+)</code></td>", page)
