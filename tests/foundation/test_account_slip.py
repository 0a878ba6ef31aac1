"""The printable slip with a new account's one-time password (admin creates or resets)."""

from __future__ import annotations

import re

from sqlalchemy import select

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.factories import make_unit


def _slip(html: str) -> dict[str, str]:
    return {key: re.search(rf'data-testid="slip-{key}">([^<]+)<', html).group(1)
            for key in ("login", "password", "url")}


def test_creating_an_account_shows_the_printable_slip_once(client, login_as, app):
    app.config["SITE_URL"] = "https://dvk.ninhbinh.gov.vn"
    admin = login_as(Role.ADMIN, full_name="Nguyễn Văn Quản")
    unit = make_unit("Sở Tư pháp")
    db.session.commit()
    response = client.post("/quan-tri/nguoi-dung/moi", data={
        "login": "lan.stp", "full_name": "Phạm Thị Lan", "email": "", "position": "Chuyên viên",
        "phone": "", "unit_id": unit.id, "roles": ["staff"]})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    slip = _slip(html)
    assert slip["login"] == "lan.stp" and slip["url"] == "https://dvk.ninhbinh.gov.vn/dang-nhap"
    assert "PHIẾU CẤP TÀI KHOẢN" in html and "Sở Tư pháp" in html and "Phạm Thị Lan" in html
    assert app.config["SECRETARIAT_NAME"].upper() in html
    assert "đổi mật khẩu ngay ở lần đăng nhập đầu" in html and admin.full_name in html
    assert 'data-print' in html and "js/print.js" in html
    user = db.session.scalar(select(User).where(User.login == "lan.stp"))
    assert user.check_password(slip["password"]) and user.must_change_password
    # Never shown again: not on the account's page, not in the list.
    assert slip["password"] not in client.get(f"/quan-tri/nguoi-dung/{user.id}").get_data(as_text=True)
    assert slip["password"] not in client.get("/quan-tri/nguoi-dung").get_data(as_text=True)


def test_a_password_reset_prints_a_new_slip(client, login_as, make_user):
    login_as(Role.ADMIN)
    user = make_user(Role.OBSERVER, full_name="Bùi Thị Hạnh")
    html = client.post(f"/quan-tri/nguoi-dung/{user.id}/dat-lai-mat-khau").get_data(as_text=True)
    assert "PHIẾU CẤP LẠI MẬT KHẨU" in html and "Bùi Thị Hạnh" in html
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(_slip(html)["password"])


def test_an_import_prints_one_slip_per_new_account(client, login_as):
    from tests.imports.test_imports import upload, xlsx

    login_as(Role.ADMIN)
    html = upload(client, xlsx()).get_data(as_text=True)
    slips = html.split('data-testid="account-slips"')[1]
    logins = re.findall(r'data-testid="slip-login">([^<]+)<', slips)
    passwords = re.findall(r'data-testid="slip-password">([^<]+)<', slips)
    assert logins == ["canbo.yte", "giamkhao", "noivu"] and len(passwords) == 3
    for login, password in zip(logins, passwords, strict=True):
        assert db.session.scalar(select(User).where(User.login == login)).check_password(password)
    assert 'data-testid="print-slips"' in html
