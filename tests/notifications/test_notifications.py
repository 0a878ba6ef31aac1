"""The in-app list, read marks, and email through a real local SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from danvankheo.core.roles import Role
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.notifications.services import notify
from tests.keyset_walk import walk


def _notes(user):
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_list_shows_only_my_notifications_with_the_unread_count(client, login_as, make_user):
    me = login_as(Role.STAFF)
    other = make_user(Role.STAFF)
    notify([me], kind="initiative_returned", title="Mô hình “Một cửa” bị trả lại", body="Bổ sung minh chứng.")
    notify([me], kind="initiative_accepted", title="Mô hình “Hai cửa” đã được tiếp nhận")
    notify([other], kind="initiative_accepted", title="Thông báo của người khác")
    db.session.commit()

    page = client.get("/thong-bao").get_data(as_text=True)
    assert "Mô hình “Một cửa” bị trả lại" in page
    assert "Bổ sung minh chứng." in page
    assert "Thông báo của người khác" not in page
    assert 'data-testid="unread-count">2<' in page  # the badge in the menu
    assert "2 chưa đọc" in page


def test_mark_one_read_then_all_read(client, login_as):
    me = login_as(Role.EVALUATOR)
    first, second, third = (
        notify([me], kind="scoring.assigned", title=f"Thông báo {n}")[0] for n in range(3)
    )
    db.session.commit()

    assert client.post(f"/thong-bao/{first.id}/da-doc").status_code == 302
    db.session.expire_all()
    assert first.read_at is not None and second.read_at is None
    page = client.get("/thong-bao?chua_doc=1").get_data(as_text=True)
    assert "Thông báo 0" not in page and "Thông báo 1" in page

    response = client.post("/thong-bao/da-doc-tat-ca", follow_redirects=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(n.read_at is not None for n in (first, second, third))
    assert 'data-testid="unread-count"' not in client.get("/thong-bao").get_data(as_text=True)


def test_open_marks_read_and_follows_only_internal_links(client, login_as):
    me = login_as(Role.STAFF)
    inside = notify([me], kind="initiative_returned", title="Trong", link="/mo-hinh/5")[0]
    outside = notify([me], kind="initiative_returned", title="Ngoài", link="https://evil.example/")[0]
    db.session.commit()

    response = client.post(f"/thong-bao/{inside.id}/mo")
    assert response.status_code == 302 and response.headers["Location"].endswith("/mo-hinh/5")
    response = client.post(f"/thong-bao/{outside.id}/mo")
    assert response.headers["Location"].endswith("/thong-bao")
    db.session.expire_all()
    assert inside.read_at is not None and outside.read_at is not None


def test_someone_elses_notification_is_not_found(client, login_as, make_user):
    login_as(Role.STAFF)
    other = make_user(Role.STAFF)
    note = notify([other], kind="initiative_returned", title="Riêng tư")[0]
    db.session.commit()
    assert client.post(f"/thong-bao/{note.id}/da-doc").status_code == 404
    assert client.post(f"/thong-bao/{note.id}/mo").status_code == 404
    assert client.post("/thong-bao/999999/da-doc").status_code == 404
    db.session.expire_all()
    assert note.read_at is None


def test_marking_read_needs_post_and_login(client, login_as):
    assert client.get("/thong-bao").status_code == 302
    me = login_as(Role.STAFF)
    note = notify([me], kind="initiative_returned", title="Một")[0]
    db.session.commit()
    assert client.get(f"/thong-bao/{note.id}/da-doc").status_code == 405
    assert client.get("/thong-bao/da-doc-tat-ca").status_code == 405


def test_dedup_key_makes_notify_idempotent(app, make_user):
    user = make_user(Role.STAFF)
    assert len(notify([user, user], kind="initiative_returned", title="Nhắc", dedup_key="k1")) == 1
    assert notify([user], kind="initiative_returned", title="Nhắc", dedup_key="k1") == []
    db.session.commit()
    assert len(_notes(user)) == 1


# --- Email -------------------------------------------------------------------------------


def test_email_is_sent_after_commit_in_vietnamese(app, make_user, smtp_server):
    user = make_user(Role.STAFF, full_name="Lê Minh Đức", email="duc@sotuphap.vn")
    note = notify(
        [user],
        kind="initiative_returned",
        title="Mô hình “Dân vận khéo trong cải cách hành chính” bị trả lại",
        body="Lý do: cần bổ sung số liệu kết quả.",
        link="/mo-hinh/7",
    )[0]
    assert smtp_server == []  # nothing leaves before the commit
    db.session.commit()

    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["Subject"] == "[Dân vận khéo] Mô hình “Dân vận khéo trong cải cách hành chính” bị trả lại"
    assert message.rcpt_tos == ["duc@sotuphap.vn"]
    assert "Lê Minh Đức" in message["To"]
    body = smtp_server.text(message)
    assert "Kính gửi Lê Minh Đức," in body
    assert "Lý do: cần bổ sung số liệu kết quả." in body
    assert "http://127.0.0.1:5000/mo-hinh/7" in body
    db.session.expire_all()
    assert note.emailed_at is not None


def test_rolled_back_notifications_are_never_emailed(app, make_user, smtp_server):
    user = make_user(Role.STAFF)
    notify([user], kind="initiative_returned", title="Sẽ bị hủy")
    db.session.rollback()
    db.session.commit()
    assert smtp_server == []
    assert _notes(user) == []


def test_no_mail_server_means_no_email(app, make_user):
    assert not app.config.get("MAIL_SERVER")
    user = make_user(Role.STAFF)
    note = notify([user], kind="initiative_returned", title="Chỉ trong phần mềm")[0]
    db.session.commit()
    db.session.expire_all()
    assert note.emailed_at is None


def test_users_without_email_get_only_the_in_app_notification(app, make_user, smtp_server):
    with_mail = make_user(Role.STAFF, email="co@mail.vn")
    without = make_user(Role.STAFF, email=None)
    notify([with_mail, without], kind="initiative_returned", title="Hai người")
    db.session.commit()
    assert [m.rcpt_tos for m in smtp_server] == [["co@mail.vn"]]
    assert len(_notes(without)) == 1


def test_mail_server_down_keeps_the_notification_for_a_retry(app, make_user, smtp_server):
    from danvankheo.notifications.mail import send_unsent

    user = make_user(Role.STAFF, email="retry@mail.vn")
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    note = notify([user], kind="initiative_returned", title="Thử lại sau")[0]
    db.session.commit()  # the failure is logged, the change stays committed
    db.session.expire_all()
    assert note.emailed_at is None and smtp_server == []

    app.config["MAIL_PORT"] = port
    assert send_unsent() == 1
    assert send_unsent() == 0  # sent once only
    assert [m.rcpt_tos for m in smtp_server] == [["retry@mail.vn"]]


def test_a_mass_notice_is_left_to_the_command(app, make_user, smtp_server):
    from danvankheo.notifications.mail import send_unsent

    app.config["MAIL_AFTER_COMMIT_LIMIT"] = 2
    users = [make_user(Role.STAFF, email=f"nguoi{n}@so.vn") for n in range(3)]
    notify(users, kind="scoring.finalised", title="Đã công bố kết quả")
    db.session.commit()
    assert smtp_server == []  # the request is not held up by three mails
    assert send_unsent() == 3
    assert sorted(m.rcpt_tos[0] for m in smtp_server) == ["nguoi0@so.vn", "nguoi1@so.vn", "nguoi2@so.vn"]


def test_the_list_is_paged_by_key_newest_first_with_its_filter(client, login_as, app):
    """Twelve unread notifications, some of the same instant, among read ones, five to a page:
    with "chỉ xem chưa đọc" on each comes once, newest first, forward and back."""
    me = login_as(Role.STAFF)
    app.config["PAGE_SIZE"] = 5
    start = utcnow() - timedelta(days=2)
    unread = []
    for n, minutes in enumerate((4, 9, 1, 9, 6, 0, 9, 3, 7, 2, 5, 8)):
        note, read = (notify([me], kind="scoring.assigned", title=f"{word} {n}")[0] for word in ("Chưa đọc", "Đã đọc"))
        note.created_at = read.created_at = start + timedelta(minutes=minutes)
        read.read_at = utcnow()
        unread.append((minutes, note.id, note.title))
    db.session.commit()
    forward, backward = walk(client, "/thong-bao?chua_doc=1", _titles, "chua_doc=1")
    assert [len(titles) for titles in forward] == [5, 5, 2]
    assert [t for titles in forward for t in titles] == [title for *_, title in sorted(unread, reverse=True)]
    assert backward == forward[::-1]
    assert "12 thông báo" in client.get("/thong-bao?chua_doc=1").get_data(as_text=True)


def _titles(page: str) -> list[str]:
    return re.findall(r'<div class="fw-semibold">(?:<span class="visually-hidden">Chưa đọc: </span>)?([^<]+)</div>', page)
