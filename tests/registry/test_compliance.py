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


@pytest.fixture
def many_units(province, app):
    """Fifty more units in scope, departments and communes, some with the same name, in every
    status; the view shows four to a page."""
    names = ["UBND xã An Hòa", "UBND xã Bình Minh", "Sở Đất đai", "UBND phường Yên Thành", "Sở Ánh sáng"]
    for n in range(50):
        name = names[n % len(names)]
        kind = UnitKind.DEPARTMENT if name.startswith("Sở") else UnitKind.COMMUNE
        unit = factories.make_unit(name, kind=kind, parent=province.province, code=f"M{n:02d}")
        if n % 3 == 1:
            factories.make_initiative(unit, status=Status.ACCEPTED)
        elif n % 3 == 2 and n % 2:
            factories.make_initiative(unit, status=Status.SUBMITTED, is_late=True)
        elif n % 7 == 0:
            factories.make_initiative(unit, status=Status.DRAFT)
    db.session.commit()
    app.config["PAGE_SIZE"] = 1
    return province


@pytest.mark.parametrize("status", list(ComplianceStatus))
def test_compliance_is_paged_by_key_in_its_order_with_the_status_filter(client, many_units, status):
    """With a status filter on, each unit of that status comes once, in the view's order (the
    kinds as the organiser asks them, then the name, the id between namesakes), forward and
    back; the totals still count every unit."""
    from tests.keyset_walk import walk

    switch_to(client, many_units.secretariat)
    rows = compliance_rows(2026)
    expected = [r.unit.code for r in rows if r.status is status]
    assert len(expected) > 4
    url = f"/mo-hinh/tinh-hinh-dang-ky?nam=2026&tinh_trang={status.value}"
    forward, backward = walk(client, url, _unit_codes, f"tinh_trang={status.value}")
    assert all(len(codes) == 4 for codes in forward[:-1])
    assert [code for codes in forward for code in codes] == expected
    assert backward == forward[::-1]
    totals = compliance_totals(rows)
    page = client.get(url).get_data(as_text=True)
    assert f'data-total="units">{totals.units}<' in page and f'data-total="missing">{totals.missing}<' in page
    assert f"({getattr(totals, status.name.lower())} đơn vị)" in page


def test_compliance_without_filter_pages_every_unit_in_order(client, many_units):
    switch_to(client, many_units.secretariat)
    from tests.keyset_walk import walk

    forward, backward = walk(client, "/mo-hinh/tinh-hinh-dang-ky?nam=2026", _unit_codes, "nam=2026")
    assert [code for codes in forward for code in codes] == [r.unit.code for r in compliance_rows(2026)]
    assert backward == forward[::-1]
    kinds = [r.unit.kind for r in compliance_rows(2026)]
    assert kinds == sorted(kinds, key=[UnitKind.DEPARTMENT, UnitKind.COMMUNE].index)


def test_compliance_page_totals_are_the_whole_lists(client, many_units):
    """The totals computed in SQL for the view are those of every row built in Python."""
    from danvankheo.registry.compliance_summary import compliance_page

    organiser_id = many_units.secretariat.acting_organiser_id
    found = compliance_page(2026, organiser_id, None, per_page=4)
    assert found.totals == compliance_totals(compliance_rows(2026, organiser_id))
    assert len(found.rows.items) == 4 and found.rows.has_next
    switch_to(client, many_units.secretariat)
    unknown = client.get("/mo-hinh/tinh-hinh-dang-ky?nam=2026&tinh_trang=khac").get_data(as_text=True)
    assert _unit_codes(unknown) == [] and "(0 đơn vị)" in unknown  # a filter that is no status: none, as before


def test_a_reminder_returns_to_the_page_it_was_sent_from(client, many_units):
    from tests.keyset_walk import paging_link

    switch_to(client, many_units.secretariat)
    first = client.get("/mo-hinh/tinh-hinh-dang-ky?nam=2026&tinh_trang=missing").get_data(as_text=True)
    second_url = paging_link(first, "next")
    second = client.get(second_url).get_data(as_text=True)
    code = _unit_codes(second)[0]
    unit_id = next(r.unit.id for r in compliance_rows(2026) if r.unit.code == code)
    cursor = second_url.split("sau=")[1].split("&")[0]
    response = client.post(f"/mo-hinh/tinh-hinh-dang-ky/nhac/{unit_id}?nam=2026&tinh_trang=missing&sau={cursor}")
    assert response.status_code == 303
    assert "tinh_trang=missing" in response.location and f"sau={cursor}" in response.location


def _unit_codes(page: str) -> list[str]:
    import re

    return re.findall(r'<tr data-unit="([^"]+)">', page)
