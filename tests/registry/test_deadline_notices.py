"""Deadline notices on the staff's pages, refusal after the deadline, and extension notices."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from danvankheo.core.timeutil import local_today
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.registry import deadlines
from danvankheo.registry.models import Status
from danvankheo.units.models import UnitKind
from tests.notifications.conftest import smtp_server  # noqa: F401  (fixture)
from tests.registry.conftest import switch_to


def _deadline_in(days: int, year: int | None = None) -> None:
    year = year or local_today().year
    deadlines.set_year_settings(
        year,
        deadline_at=deadlines.deadline_from_local(local_today() + timedelta(days=days), time(23, 59)),
        kinds=[UnitKind.DEPARTMENT],
    )
    db.session.commit()


def test_notice_states(world):
    year = local_today().year
    _deadline_in(20)
    assert deadlines.deadline_notice(year, world.justice.id).state is None
    _deadline_in(7)
    notice = deadlines.deadline_notice(year, world.justice.id)
    assert notice.is_near and notice.days_left == 7
    _deadline_in(-1)
    assert deadlines.deadline_notice(year, world.justice.id).has_passed
    deadlines.grant_extension(year, world.justice, until=utcnow() + timedelta(days=3))
    notice = deadlines.deadline_notice(year, world.justice.id)
    assert notice.is_near and notice.extended
    assert deadlines.deadline_notice(year, world.health.id).has_passed


def test_dossier_form_warns_when_the_deadline_is_near(client, world, ready):
    _deadline_in(3, ready.year)
    switch_to(client, world.staff)
    page = client.get(f"/mo-hinh/{ready.id}/sua").get_data(as_text=True)
    assert 'data-testid="deadline-banner" data-state="near"' in page
    assert "Còn 3 ngày đến hạn nộp mô hình năm" in page
    new = client.get("/mo-hinh/dang-ky").get_data(as_text=True)
    assert 'data-testid="deadline-banner" data-state="near"' in new


def test_editing_after_the_deadline_warns_and_submitting_is_refused(client, world, ready):
    _deadline_in(-2, ready.year)
    switch_to(client, world.staff)
    page = client.get(f"/mo-hinh/{ready.id}/sua").get_data(as_text=True)
    assert 'data-state="passed"' in page and "Đã quá hạn nộp mô hình năm" in page
    assert "không nộp được" in page
    detail = client.get(f"/mo-hinh/{ready.id}").get_data(as_text=True)
    assert 'data-testid="deadline-banner" data-state="passed"' in detail
    response = client.post(f"/mo-hinh/{ready.id}/nop", data={"version": ready.version}, follow_redirects=True)
    assert "Đã quá hạn nộp mô hình năm" in response.get_data(as_text=True)
    assert "Đơn vị cần được gia hạn mới nộp được" in response.get_data(as_text=True)
    db.session.refresh(ready)
    assert ready.status is Status.DRAFT


def test_an_extension_lifts_the_refusal_and_the_banner_says_so(client, world, ready):
    _deadline_in(-2, ready.year)
    deadlines.grant_extension(ready.year, world.justice, until=utcnow() + timedelta(days=2))
    db.session.commit()
    switch_to(client, world.staff)
    page = client.get(f"/mo-hinh/{ready.id}/sua").get_data(as_text=True)
    assert 'data-state="near"' in page and "đơn vị được gia hạn" in page
    client.post(f"/mo-hinh/{ready.id}/nop", data={"version": ready.version})
    db.session.refresh(ready)
    assert ready.status is Status.SUBMITTED and ready.is_late


def test_an_extension_notifies_the_units_staff_in_the_app_and_by_mail(client, world, smtp_server):  # noqa: F811
    year = local_today().year
    switch_to(client, world.secretariat)
    until = local_today() + timedelta(days=40)
    response = client.post(f"/mo-hinh/han-nop/gia-han?nam={year}", data={
        "gh-unit_id": world.justice.id, "gh-until_date": until.isoformat(), "gh-reason": "Sáp nhập đơn vị",
    })
    assert response.status_code == 303
    notes = db.session.scalars(select(Notification).where(Notification.kind == "deadline_extended")).all()
    assert {n.user_id for n in notes} == {world.staff.id, world.colleague.id}
    assert f"đến {until.strftime('%d/%m/%Y')}" in notes[0].body and "Sáp nhập đơn vị" in notes[0].body
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp_server) == sorted(
        [world.staff.email, world.colleague.email])
    assert "gia hạn" in smtp_server[0]["Subject"]
    # The other unit hears nothing.
    assert not db.session.scalar(select(Notification).where(Notification.user_id == world.other_staff.id))


def test_revoking_an_extension_tells_the_unit(world):
    year = local_today().year
    extension = deadlines.grant_extension(year, world.health, until=utcnow() + timedelta(days=60))
    deadlines.revoke_extension(extension)
    db.session.commit()
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == world.other_staff.id)).all()
    assert sorted(kinds) == ["deadline_extended", "deadline_extension_revoked"]
