import pytest
from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.factories import PASSWORD

FAILED = "Tên đăng nhập hoặc mật khẩu không đúng"


def test_login_page_is_vietnamese(client):
    response = client.get("/dang-nhap")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'lang="vi"' in page
    assert "Đăng nhập" in page and "Mật khẩu" in page


def test_root_sends_anonymous_visitors_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dang-nhap")


def test_login_and_logout(client, make_user):
    user = make_user(Role.STAFF)
    response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/trang-chu")
    assert client.get("/trang-chu").status_code == 200
    assert client.post("/dang-xuat").status_code == 302
    assert client.get("/trang-chu").status_code == 302


def test_login_accepts_email_and_is_case_insensitive(client, make_user):
    user = make_user(Role.STAFF, email="Can.Bo@Example.vn")
    response = client.post("/dang-nhap", data={"login": "CAN.BO@example.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert db.session.get(User, user.id).last_login_at is not None


def test_failed_login_says_the_same_for_unknown_and_wrong_password(client, make_user):
    user = make_user(Role.STAFF)
    wrong = client.post("/dang-nhap", data={"login": user.login, "password": "sai-mat-khau-1"})
    unknown = client.post("/dang-nhap", data={"login": "khong.ton.tai", "password": "sai-mat-khau-1"})
    assert wrong.status_code == unknown.status_code == 200
    assert FAILED in wrong.get_data(as_text=True)
    assert FAILED in unknown.get_data(as_text=True)
    assert wrong.get_data(as_text=True).replace(user.login, "X") == unknown.get_data(as_text=True).replace(
        "khong.ton.tai", "X"
    )


def test_deactivated_user_cannot_log_in(client, make_user):
    user = make_user(Role.STAFF)
    user.is_active = False
    db.session.commit()
    response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 200
    assert FAILED in response.get_data(as_text=True)


def test_deactivation_ends_an_open_session(client, login_as):
    user = login_as(Role.STAFF)
    assert client.get("/trang-chu").status_code == 200
    user.is_active = False
    user.session_version += 1
    db.session.commit()
    assert client.get("/trang-chu").status_code == 302


def test_logout_requires_post(client, login_as):
    login_as(Role.STAFF)
    assert client.get("/dang-xuat").status_code == 405


def test_empty_login_form_shows_field_errors(client):
    page = client.post("/dang-nhap", data={}).get_data(as_text=True)
    assert "Vui lòng nhập trường này." in page


def test_password_is_hashed(make_user):
    user = make_user(Role.STAFF)
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD)


def test_change_password(client, login_as):
    user = login_as(Role.STAFF)
    new = "MotMatKhauMoi2026"
    response = client.post(
        "/doi-mat-khau", data={"current_password": PASSWORD, "new_password": new, "confirm": new}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(new)
    # The session survives its own password change.
    assert client.get("/trang-chu").status_code == 200


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("sai", "MotMatKhauMoi2026", "MotMatKhauMoi2026", "Mật khẩu hiện tại không đúng."),
        (PASSWORD, "ngan1", "ngan1", "ít nhất 10 ký tự"),
        (PASSWORD, "chicochuthoi", "chicochuthoi", "cả chữ và số"),
        (PASSWORD, "MotMatKhauMoi2026", "KhacNhau2026xx", "Hai mật khẩu không khớp."),
    ],
)
def test_change_password_refusals(client, login_as, current, new, confirm, message):
    login_as(Role.STAFF)
    response = client.post(
        "/doi-mat-khau", data={"current_password": current, "new_password": new, "confirm": confirm}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_login_is_audited(client, make_user):
    user = make_user(Role.STAFF)
    client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == user.id)))
    assert "auth.login" in actions


def test_session_cookie_flags(client, make_user):
    user = make_user(Role.STAFF)
    response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_open_redirect_after_login_is_ignored(client, make_user):
    user = make_user(Role.STAFF)
    response = client.post(
        "/dang-nhap?next=https://evil.example/", data={"login": user.login, "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/trang-chu")


@pytest.mark.parametrize(
    "role",
    [Role.STAFF, Role.EVALUATOR, Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN],
)
def test_each_role_lands_on_its_home(client, login_as, role):
    login_as(role)
    page = client.get("/trang-chu").get_data(as_text=True)
    assert role.label in page


def test_a_user_who_must_change_the_password_can_do_nothing_else_first(client, make_user):
    user = make_user(Role.SECRETARIAT)
    user.must_change_password = True
    db.session.commit()
    response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
    assert response.headers["Location"].endswith("/doi-mat-khau")
    for path in ("/trang-chu", "/mo-hinh", "/thong-ke"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"].endswith("/doi-mat-khau"), path
    response = client.post("/thong-bao/da-doc-tat-ca")
    assert response.status_code == 303  # no other change either
    assert client.get("/doi-mat-khau").status_code == 200
    assert client.get("/healthz").status_code == 200
    new = "MotMatKhauMoi2026"
    client.post("/doi-mat-khau", data={"current_password": PASSWORD, "new_password": new, "confirm": new})
    db.session.expire_all()
    assert not db.session.get(User, user.id).must_change_password
    assert client.get("/trang-chu").status_code == 200
