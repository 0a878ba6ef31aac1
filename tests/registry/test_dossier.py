"""Registering and editing a dossier: every field, numbers, members, links, lost updates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.extensions import db
from danvankheo.registry.forms import parse_members
from danvankheo.registry.models import Field, Initiative, InitiativeKind, Status
from tests import factories
from tests.registry.conftest import switch_to

FULL_FORM = {
    "name": "Dân vận khéo trong giải phóng mặt bằng",
    "year": "2026",
    "field": "economy",
    "tags": "giải phóng mặt bằng, đối thoại, giải phóng mặt bằng",
    "kind": "collective",
    "situation": "Nhiều hộ chưa đồng thuận với phương án bồi thường.",
    "goals": "Bàn giao mặt bằng đúng tiến độ.",
    "content_method": "Tổ công tác đến từng hộ, đối thoại công khai.",
    "area": "Xã Gia Viễn",
    "target_group": "Hộ dân bị thu hồi đất",
    "lead_name": "Đinh Công Tráng",
    "lead_position": "Phó Chủ tịch UBND xã",
    "lead_phone": "0912 345 678",
    "members": "Nguyễn Thị Hoa - Công chức địa chính\nTrần Văn Nam – Trưởng thôn\n\nLê Văn Ba",
    "budget_state": "50.000.000",
    "budget_social": "120000000",
    "workdays": "1.200",
    "start_date": "2026-02-01",
    "end_date": "",
    "is_ongoing": "y",
    "results_quantitative": "100% hộ bàn giao mặt bằng; 35 buổi đối thoại.",
    "results_qualitative": "Không phát sinh khiếu nại.",
    "beneficiaries": "2.350",
    "sustainability": "Áp dụng cho các dự án khác của xã.",
    "continues_id": "0",
    "replicates_id": "",
}


def _create(client, **overrides):
    return client.post("/mo-hinh/dang-ky", data={**FULL_FORM, **overrides})


def test_every_dossier_field_is_stored(client, world):
    switch_to(client, world.staff)
    response = _create(client)
    assert response.status_code == 302
    item = db.session.scalar(select(Initiative))
    assert item.name == FULL_FORM["name"] and item.year == 2026 and item.unit_id == world.justice.id
    assert item.field is Field.ECONOMY and item.kind is InitiativeKind.COLLECTIVE
    assert item.tag_list == ["giải phóng mặt bằng", "đối thoại"]
    assert (item.budget_state, item.budget_social, item.workdays, item.beneficiaries) == (
        50_000_000, 120_000_000, 1200, 2350)
    assert item.start_date == date(2026, 2, 1) and item.end_date is None and item.is_ongoing
    assert [(m.full_name, m.position) for m in item.members] == [
        ("Nguyễn Thị Hoa", "Công chức địa chính"), ("Trần Văn Nam", "Trưởng thôn"), ("Lê Văn Ba", "")]
    for key in ("situation", "goals", "content_method", "area", "target_group", "lead_name", "lead_position",
                "lead_phone", "results_quantitative", "results_qualitative", "sustainability"):
        assert getattr(item, key) == FULL_FORM[key]
    assert item.created_by_id == world.staff.id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "initiative.create"))
    page = client.get(f"/mo-hinh/{item.id}").get_data(as_text=True)
    assert "50.000.000 đồng" in page and "Trần Văn Nam" in page and "Còn thiếu để nộp" in page


@pytest.mark.parametrize(("raw", "message"), [
    ("-5", "Không được là số âm."),
    ("12,5", "Chỉ nhập số nguyên"),
    ("năm mươi", "Phải là một số nguyên không âm"),
    ("1.23", "Phải là một số nguyên không âm"),
    ("99999999999999999999", "Giá trị quá lớn"),
])
def test_money_must_be_a_whole_non_negative_number(client, world, raw, message):
    switch_to(client, world.staff)
    response = _create(client, budget_state=raw)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and raw in page  # the typed text stays for correction
    assert db.session.scalar(select(Initiative)) is None


def test_counts_are_validated_too(client, world):
    switch_to(client, world.staff)
    response = _create(client, beneficiaries="-1", workdays="abc")
    assert response.status_code == 200
    assert db.session.scalar(select(Initiative)) is None


def test_end_before_start_is_refused(client, world):
    switch_to(client, world.staff)
    response = _create(client, is_ongoing="", start_date="2026-05-01", end_date="2026-04-01")
    assert "Thời gian kết thúc phải sau thời gian bắt đầu." in response.get_data(as_text=True)
    assert db.session.scalar(select(Initiative)) is None


def test_parse_members_accepts_dashes_and_tabs():
    assert parse_members("A - B\nC\tD\n  \nE — F - G") == [("A", "B"), ("C", "D"), ("E", "F - G")]


def test_only_staff_with_a_unit_register(client, world):
    for user in (world.secretariat, world.observer, world.admin, world.evaluator):
        switch_to(client, user)
        assert client.get("/mo-hinh/dang-ky").status_code == 403
        assert _create(client).status_code == 403
    assert db.session.scalar(select(Initiative)) is None


def _edit(client, item, version, **overrides):
    data = {**FULL_FORM, "version": str(version), **overrides}
    return client.post(f"/mo-hinh/{item.id}/sua", data=data)


def test_two_tabs_the_second_save_is_refused_and_nothing_is_overwritten(client, world):
    item = factories.make_initiative(world.justice, name="Tên ban đầu")
    db.session.commit()
    switch_to(client, world.staff)
    # Two tabs open the edit form and read the same version.
    first_tab = client.get(f"/mo-hinh/{item.id}/sua").get_data(as_text=True)
    version = item.version
    assert f'name="version" type="hidden" value="{version}"' in first_tab
    assert _edit(client, item, version, name="Tên của tab thứ nhất").status_code == 302
    response = _edit(client, item, version, name="Tên của tab thứ hai", goals="Ghi đè")
    assert response.status_code == 409
    assert "Hồ sơ đã được người khác thay đổi" in response.get_data(as_text=True)
    db.session.expire_all()
    item = db.session.get(Initiative, item.id)
    assert item.name == "Tên của tab thứ nhất" and item.goals != "Ghi đè"
    assert item.version == version + 1


def test_a_form_without_version_is_refused(client, world):
    item = factories.make_initiative(world.justice, name="Tên ban đầu")
    db.session.commit()
    switch_to(client, world.staff)
    response = _edit(client, item, "", name="Mất phiên bản")
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Initiative, item.id).name == "Tên ban đầu"


def test_stale_data_error_at_commit_is_caught(client, world, monkeypatch):
    """Two saves that pass the version check at the same moment: the database decides."""
    from sqlalchemy.orm.exc import StaleDataError

    from danvankheo.registry import routes

    item = factories.make_initiative(world.justice, name="Tên ban đầu")
    db.session.commit()
    switch_to(client, world.staff)

    def racing_update(initiative, data, *, actor, expected_version):
        raise StaleDataError("UPDATE statement on table 'initiatives' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(routes, "update_initiative", racing_update)
    response = _edit(client, item, item.version, name="Thua cuộc đua")
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Initiative, item.id).name == "Tên ban đầu"


def test_only_tags_changed_still_moves_the_version(client, world):
    item = factories.make_initiative(world.justice, name=FULL_FORM["name"])
    db.session.commit()
    switch_to(client, world.staff)
    version = item.version
    _edit(client, item, version)
    db.session.expire_all()
    item = db.session.get(Initiative, item.id)
    assert item.version == version + 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "initiative.update"))
    assert "tags" in event.changes and "members" in event.changes


def test_search_text_follows_every_save(client, world):
    item = factories.make_initiative(world.justice, name="Tên cũ")
    db.session.commit()
    switch_to(client, world.staff)
    _edit(client, item, item.version, name="Đường điện sáng", tags="Chuyển đổi số")
    db.session.expire_all()
    assert db.session.get(Initiative, item.id).search_text == "duong dien sang so tu phap chuyen doi so"


def test_continues_an_earlier_model_of_the_same_unit(client, world):
    earlier = factories.make_initiative(world.justice, name="Mô hình 2025", year=2025, status=Status.ACCEPTED)
    db.session.commit()
    switch_to(client, world.staff)
    page = client.get("/mo-hinh/dang-ky").get_data(as_text=True)
    assert "2025 · Mô hình 2025" in page
    assert _create(client, continues_id=str(earlier.id)).status_code == 302
    item = db.session.scalar(select(Initiative).where(Initiative.year == 2026))
    assert item.continues_id == earlier.id
    page = client.get(f"/mo-hinh/{earlier.id}").get_data(as_text=True)
    assert FULL_FORM["name"] in page  # "continued in later years"


def test_replicates_an_accepted_model_of_another_unit(client, world):
    source = factories.make_initiative(world.health, name="Mô hình gốc của Sở Y tế", status=Status.ACCEPTED)
    draft_elsewhere = factories.make_initiative(world.health, name="Nháp của Sở Y tế")
    own = factories.make_initiative(world.justice, name="Của mình", status=Status.ACCEPTED)
    db.session.commit()
    switch_to(client, world.staff)
    for bad in (draft_elsewhere.id, own.id, 999999):
        response = _create(client, replicates_id=str(bad))
        assert response.status_code == 200
        assert "Không tìm thấy mô hình" in response.get_data(as_text=True) or "đơn vị khác" in response.get_data(
            as_text=True)
    assert _create(client, replicates_id=str(source.id)).status_code == 302
    item = db.session.scalar(select(Initiative).where(Initiative.replicates_id == source.id))
    assert item is not None and item.unit_id == world.justice.id
    switch_to(client, world.secretariat)
    item.status = Status.SUBMITTED
    db.session.commit()
    page = client.get(f"/mo-hinh/{source.id}").get_data(as_text=True)
    assert "Được đơn vị khác nhân rộng" in page and FULL_FORM["name"] in page


def test_continuing_a_later_year_is_refused(client, world):
    later = factories.make_initiative(world.justice, name="Mô hình 2027", year=2027)
    db.session.commit()
    switch_to(client, world.staff)
    response = _create(client, continues_id=str(later.id))
    # Only earlier years are offered; a forged id is refused by the choices or the service.
    assert response.status_code == 200
    assert db.session.scalar(select(Initiative).where(Initiative.continues_id == later.id)) is None
