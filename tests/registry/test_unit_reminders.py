"""Reminding units that registered nothing, from the compliance view: one per unit per day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.core.timeutil import format_datetime, local_today
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.registry import unit_reminders
from danvankheo.registry.models import Status
from danvankheo.units.models import UnitKind
from tests import factories
from tests.notifications.conftest import smtp_server  # noqa: F401  (fixture)
from tests.registry.conftest import switch_to


def _page(client, year):
    return client.get(f"/mo-hinh/tinh-hinh-dang-ky?nam={year}").get_data(as_text=True)


def test_the_secretariat_reminds_a_unit_that_registered_nothing(client, world, smtp_server):  # noqa: F811
    year = local_today().year
    factories.make_initiative(world.health, year=year, status=Status.SUBMITTED)
    db.session.commit()
    switch_to(client, world.secretariat)
    html = _page(client, year)
    justice_row = html.split('data-unit="STP"')[1].split("</tr>")[0]
    health_row = html.split('data-unit="SYT"')[1].split("</tr>")[0]
    assert "Nhắc đơn vị" in justice_row and "Nhắc đơn vị" not in health_row
    response = client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{world.justice.id}?nam={year}")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã nhắc Sở Tư pháp: 2 cán bộ nhận thông báo" in html
    assert 'data-testid="reminded-today"' in html.split('data-unit="STP"')[1].split("</tr>")[0]
    notes = db.session.scalars(select(Notification).where(Notification.kind == "deadline_reminder_manual")).all()
    assert {n.user_id for n in notes} == {world.staff.id, world.colleague.id}
    assert f"chưa nộp mô hình nào cho năm {year}" in notes[0].body
    assert {m["To"].addresses[0].addr_spec for m in smtp_server} == {world.staff.email, world.colleague.email}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deadline.remind"))
    assert (event.object_type, event.object_id, event.actor_id) == ("Unit", world.justice.id, world.secretariat.id)
    assert event.changes == {"year": [None, year], "recipients": [None, 2]}


def test_one_reminder_per_unit_per_day_and_the_refusal_says_when(client, world):
    year = local_today().year
    switch_to(client, world.secretariat)
    client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{world.justice.id}?nam={year}")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deadline.remind"))
    response = client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{world.justice.id}?nam={year}", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"Sở Tư pháp đã được nhắc lúc {format_datetime(event.occurred_at)} (Trần Thị Thu Hà)" in html
    assert "Mỗi đơn vị chỉ được nhắc một lần mỗi ngày" in html
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "deadline.remind")) == 1
    assert len(db.session.scalars(select(Notification).where(
        Notification.kind == "deadline_reminder_manual")).all()) == 2
    # Tomorrow it may be sent again.
    assert unit_reminders.remind_unit(year, world.justice, actor=world.secretariat,
                                      now=utcnow() + timedelta(days=1)) == 2


def test_refusals_for_units_that_need_no_reminder(client, world):
    year = local_today().year
    factories.make_initiative(world.health, year=year, status=Status.ACCEPTED)
    empty = factories.make_unit("Sở Không Người", kind=UnitKind.DEPARTMENT)
    outside = factories.make_unit("Phòng Chuyên môn", kind=UnitKind.DIVISION)
    db.session.commit()
    switch_to(client, world.secretariat)
    html = client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{world.health.id}?nam={year}",
                       follow_redirects=True).get_data(as_text=True)
    assert f"Sở Y tế đã nộp mô hình năm {year}; không cần nhắc." in html
    html = client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{empty.id}?nam={year}",
                       follow_redirects=True).get_data(as_text=True)
    assert "chưa có tài khoản cán bộ đang hoạt động nào" in html
    html = client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{outside.id}?nam={year}",
                       follow_redirects=True).get_data(as_text=True)
    assert "không thuộc các đơn vị phải đăng ký" in html
    assert not db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deadline.remind"))


def test_only_the_secretariat_and_admins_remind(client, world):
    year = local_today().year
    switch_to(client, world.observer)
    assert "Nhắc đơn vị" not in _page(client, year)
    assert client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{world.justice.id}?nam={year}").status_code == 403
