"""Deadlines per year, extensions, the compliance view, its totals and the home panels."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from danvankheo.core.timeutil import local_today
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.registry import deadlines
from danvankheo.registry.deadlines import ComplianceStatus, compliance_rows, compliance_totals
from danvankheo.registry.models import DeadlineExtension, Status, SubmissionDeadline
from danvankheo.units.models import UnitKind
from danvankheo.units.services import set_unit_active
from tests import factories
from tests.registry.conftest import switch_to


@pytest.fixture
def province(world):
    """Scope for 2026: departments and communes. Each unit in a different situation."""
    w = world
    w.commune_met = factories.make_unit("UBND xã Gia Viễn", kind=UnitKind.COMMUNE, parent=w.province, code="XGV")
    w.commune_late = factories.make_unit("UBND xã Kim Sơn", kind=UnitKind.COMMUNE, parent=w.province, code="XKS")
    w.commune_closed = factories.make_unit("UBND xã Cũ", kind=UnitKind.COMMUNE, parent=w.province, code="XCU")
    w.hospital = factories.make_unit("Bệnh viện", kind=UnitKind.PUBLIC_SERVICE, parent=w.health, code="BV")
    make = factories.make_initiative
    # Sở Tư pháp: one accepted, one waiting, one returned, one draft, one withdrawn -> met.
    for status in (Status.ACCEPTED, Status.SUBMITTED, Status.RETURNED, Status.DRAFT, Status.WITHDRAWN):
        make(w.justice, status=status)
    # Sở Y tế: only a rejected model and a draft -> still missing.
    make(w.health, status=Status.REJECTED)
    make(w.health, status=Status.DRAFT)
    make(w.health, status=Status.ACCEPTED, year=2025)  # another year does not count
    make(w.commune_met, status=Status.SUBMITTED)
    make(w.commune_late, status=Status.SUBMITTED, is_late=True)
    make(w.hospital, status=Status.ACCEPTED)  # out of scope (public service)
    set_unit_active(w.commune_closed, False)  # merged away: out of scope
    db.session.commit()
    return w


def _by_code(rows):
    return {r.unit.code: r for r in rows}


def test_every_unit_in_scope_with_counts_and_status(province):
    rows = _by_code(compliance_rows(2026))
    assert set(rows) == {"STP", "SYT", "XGV", "XKS"}
    stp = rows["STP"]
    assert (stp.drafts, stp.submitted, stp.accepted, stp.waiting, stp.returned) == (2, 3, 1, 1, 1)
    assert stp.status is ComplianceStatus.MET
    assert (rows["SYT"].drafts, rows["SYT"].submitted, rows["SYT"].rejected) == (1, 1, 1)
    assert rows["SYT"].status is ComplianceStatus.MISSING
    assert rows["XGV"].status is ComplianceStatus.MET
    assert rows["XKS"].status is ComplianceStatus.LATE


def test_totals(province):
    totals = compliance_totals(compliance_rows(2026))
    assert (totals.units, totals.met, totals.late, totals.missing) == (4, 2, 1, 1)
    assert (totals.drafts, totals.submitted, totals.accepted) == (3, 6, 1)


def test_scope_is_chosen_per_year(province):
    deadlines.set_year_settings(2026, deadline_at=deadlines.general_deadline(2026),
                                kinds=[UnitKind.PUBLIC_SERVICE, UnitKind.DEPARTMENT])
    assert set(_by_code(compliance_rows(2026))) == {"STP", "SYT", "BV"}
    assert deadlines.scope_kinds(2025) == [UnitKind.DEPARTMENT, UnitKind.COMMUNE]  # untouched year


def test_default_scope_is_departments_and_communes(app):
    assert deadlines.scope_kinds(2031) == [UnitKind.DEPARTMENT, UnitKind.COMMUNE]


def test_compliance_page_for_secretariat_and_observer(client, province):
    for user in (province.secretariat, province.observer, province.admin):
        switch_to(client, user)
        response = client.get("/mo-hinh/tinh-hinh-dang-ky?nam=2026")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'data-total="missing">1<' in page and 'data-total="met">2<' in page
        assert "UBND xã Kim Sơn" in page and "Nộp muộn" in page and "Chưa nộp" in page
        assert "UBND xã Cũ" not in page and "Bệnh viện" not in page
    switch_to(client, province.staff)
    assert client.get("/mo-hinh/tinh-hinh-dang-ky").status_code == 403


def test_compliance_runs_a_constant_number_of_queries(province):
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        compliance_rows(2026)
        few = len(statements)
        for n in range(15):
            unit = factories.make_unit(f"UBND xã Mới {n}", kind=UnitKind.COMMUNE, parent=province.province)
            factories.make_initiative(unit, status=Status.SUBMITTED)
        db.session.commit()
        db.session.expire_all()
        statements.clear()
        compliance_rows(2026)
        assert len(statements) == few
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_secretariat_sets_deadline_and_scope(client, world):
    switch_to(client, world.secretariat)
    page = client.get("/mo-hinh/han-nop?nam=2028").get_data(as_text=True)
    assert "15/10/2028 23:59" in page
    response = client.post("/mo-hinh/han-nop?nam=2028", data={
        "hn-deadline_date": "2028-10-20", "hn-deadline_time": "17:00", "hn-kinds": ["department"],
    })
    assert response.status_code == 303
    settings = db.session.scalar(select(SubmissionDeadline).where(SubmissionDeadline.year == 2028))
    local = settings.deadline_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (local.date(), local.hour, local.minute) == (date(2028, 10, 20), 17, 0)
    assert deadlines.scope_kinds(2028) == [UnitKind.DEPARTMENT]
    response = client.post("/mo-hinh/han-nop?nam=2028", data={
        "hn-deadline_date": "2028-10-20", "hn-deadline_time": "17:00"})
    assert "Chọn ít nhất một loại đơn vị." in response.get_data(as_text=True)


def test_secretariat_grants_and_revokes_an_extension(client, world):
    switch_to(client, world.secretariat)
    response = client.post("/mo-hinh/han-nop/gia-han?nam=2026", data={
        "gh-unit_id": str(world.health.id), "gh-until_date": (local_today() + timedelta(days=60)).isoformat(),
        "gh-reason": "Sáp nhập đơn vị"})
    assert response.status_code == 303
    extension = db.session.scalar(select(DeadlineExtension))
    assert extension.unit_id == world.health.id and extension.reason == "Sáp nhập đơn vị"
    assert deadlines.deadline_for(2026, world.health) == extension.until
    assert deadlines.deadline_for(2026, world.justice) == deadlines.general_deadline(2026)
    client.post(f"/mo-hinh/han-nop/gia-han/{extension.id}/xoa")
    assert db.session.scalar(select(DeadlineExtension)) is None


def test_an_extension_before_the_general_deadline_is_refused(client, world):
    switch_to(client, world.secretariat)
    response = client.post("/mo-hinh/han-nop/gia-han?nam=2026", data={
        "gh-unit_id": str(world.health.id), "gh-until_date": local_today().isoformat()})
    assert response.status_code == 400
    assert "Ngày gia hạn phải sau hạn chung" in response.get_data(as_text=True)
    assert db.session.scalar(select(DeadlineExtension)) is None


def test_deadline_from_local_counts_the_whole_minute(app):
    deadline = deadlines.deadline_from_local(date(2026, 10, 15), time(23, 59))
    assert deadline.second == 59


# --- Home panels -------------------------------------------------------------------------


def test_staff_banner_when_the_deadline_is_near_until_everything_is_submitted(client, world):
    year = local_today().year
    deadlines.set_year_settings(year, deadline_at=deadlines.deadline_from_local(
        local_today() + timedelta(days=12), time(23, 59)), kinds=[UnitKind.DEPARTMENT])
    draft = factories.make_initiative(world.justice, name="Mô hình đang soạn", year=year)
    db.session.commit()
    switch_to(client, world.staff)
    page = client.get("/trang-chu").get_data(as_text=True)
    # 12 days away: a quiet line, no banner yet.
    assert 'data-testid="registration-banner"' not in page and "còn 12 ngày" in page
    assert "Mô hình đang soạn" in page
    deadlines.set_year_settings(year, deadline_at=deadlines.deadline_from_local(
        local_today() + timedelta(days=5), time(23, 59)), kinds=[UnitKind.DEPARTMENT])
    db.session.commit()
    page = client.get("/trang-chu").get_data(as_text=True)
    assert 'data-testid="registration-banner" data-state="near"' in page and "Còn 5 ngày" in page
    draft.status = Status.SUBMITTED
    db.session.commit()
    assert 'data-testid="registration-banner"' not in client.get("/trang-chu").get_data(as_text=True)
    # A second model left as a draft brings the banner back.
    factories.make_initiative(world.justice, name="Mô hình thứ hai", year=year)
    db.session.commit()
    assert "Đơn vị còn 1 bản nháp chưa nộp" in client.get("/trang-chu").get_data(as_text=True)


def test_staff_banner_after_the_deadline(client, world):
    year = local_today().year
    deadlines.set_year_settings(year, deadline_at=utcnow() - timedelta(days=2), kinds=[UnitKind.DEPARTMENT])
    db.session.commit()
    switch_to(client, world.staff)
    page = client.get("/trang-chu").get_data(as_text=True)
    assert 'data-state="passed"' in page and "Đã quá hạn nộp" in page


def test_secretariat_panel_lists_waiting_submissions(client, world):
    waiting = factories.make_initiative(world.justice, name="Chờ tiếp nhận", status=Status.SUBMITTED)
    factories.make_initiative(world.health, name="Nháp không hiện", status=Status.DRAFT)
    waiting.submitted_at = utcnow()
    db.session.commit()
    switch_to(client, world.secretariat)
    page = client.get("/trang-chu").get_data(as_text=True)
    assert "Chờ tiếp nhận" in page and "Nháp không hiện" not in page
    assert 'data-testid="waiting-count">1<' in page
