"""Audit entries of the actions the feature tests did not follow through their routes: the
admin screens (units, accounts), evidence, deadlines and failed logins; and the trail shows
recorded values the way the interface does (Vietnamese labels, dd/mm/yyyy dates)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.audit.services import record
from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.core.timeutil import local_today
from danvankheo.evidence.models import Evidence
from danvankheo.extensions import db
from danvankheo.units.models import Unit, UnitKind
from tests import factories
from tests.evidence.samples import pdf_bytes
from tests.registry.conftest import open_years, switch_to, world  # noqa: F401  (shared fixtures)


def _one(action: str, **where) -> AuditEvent:
    query = select(AuditEvent).where(AuditEvent.action == action)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    events = list(db.session.scalars(query))
    assert len(events) == 1, f"{action}: {len(events)} events"
    return events[0]


def test_admin_unit_screens_leave_old_and_new_values(client, login_as):
    admin = login_as(Role.ADMIN)
    province = factories.make_unit("UBND tỉnh Ninh Bình", kind=UnitKind.PROVINCE, code="NB")
    other = factories.make_unit("UBND tỉnh Hà Nam", kind=UnitKind.PROVINCE, code="HN")
    db.session.commit()
    client.post("/quan-tri/don-vi/moi", data={"code": "stp", "name": "Sở Tư pháp", "kind": "department",
                                              "parent_id": province.id})
    unit = db.session.scalar(select(Unit).where(Unit.code == "STP"))
    created = _one("unit.create", object_id=unit.id)
    assert (created.actor_id, created.object_type, created.object_id) == (admin.id, "Unit", unit.id)
    assert created.changes["name"] == [None, "Sở Tư pháp"] and created.changes["code"] == [None, "STP"]

    client.post(f"/quan-tri/don-vi/{unit.id}", data={"code": "STP", "name": "Sở Tư pháp tỉnh", "kind": "department",
                                                     "parent_id": other.id})
    assert _one("unit.update").changes["name"] == ["Sở Tư pháp", "Sở Tư pháp tỉnh"]
    assert _one("unit.move").changes["parent"] == ["UBND tỉnh Ninh Bình", "UBND tỉnh Hà Nam"]

    client.post(f"/quan-tri/don-vi/{unit.id}/trang-thai", data={"active": "0"})
    deactivated = _one("unit.deactivate")
    assert deactivated.changes == {"is_active": [True, False]} and deactivated.actor_id == admin.id


def test_admin_account_screens_leave_old_and_new_values(client, login_as):
    admin = login_as(Role.ADMIN)
    justice = factories.make_unit("Sở Tư pháp", code="STP")
    health = factories.make_unit("Sở Y tế", code="SYT")
    db.session.commit()
    client.post("/quan-tri/nguoi-dung/moi", data={"login": "can.bo", "full_name": "Trần Văn Bộ", "email": "",
                                                  "position": "Chuyên viên", "phone": "", "unit_id": justice.id,
                                                  "roles": ["staff"]})
    user = db.session.scalar(select(User).where(User.login == "can.bo"))
    created = _one("user.create", object_id=user.id)
    assert (created.actor_id, created.object_id) == (admin.id, user.id)
    assert created.changes["roles"] == [None, ["staff"]] and created.changes["unit"] == [None, "Sở Tư pháp"]
    assert "password" not in str(created.changes).lower() and user.password_hash not in str(created.changes)

    client.post(f"/quan-tri/nguoi-dung/{user.id}", data={"login": "can.bo", "full_name": "Trần Văn Bộ",
                                                         "unit_id": health.id, "roles": ["staff", "evaluator"],
                                                         "is_active": "y"})
    updated = _one("user.update")
    assert updated.changes["roles"] == [["staff"], ["evaluator", "staff"]]
    assert updated.changes["unit"] == ["Sở Tư pháp", "Sở Y tế"]

    client.post(f"/quan-tri/nguoi-dung/{user.id}/trang-thai", data={"active": "0"})
    assert _one("user.deactivate").changes == {"is_active": [True, False]}
    client.post(f"/quan-tri/nguoi-dung/{user.id}/dat-lai-mat-khau")
    reset = _one("user.password_reset")
    assert (reset.actor_id, reset.object_id) == (admin.id, user.id)


def test_evidence_upload_is_recorded(client, world):  # noqa: F811
    model = factories.make_initiative(world.justice, name="Mô hình có minh chứng")
    db.session.commit()
    switch_to(client, world.staff)
    client.post(f"/minh-chung/mo-hinh/{model.id}", data={"files": [(io.BytesIO(pdf_bytes()), "Báo cáo.pdf")]},
                content_type="multipart/form-data")
    evidence = db.session.scalar(select(Evidence))
    uploaded = _one("evidence.upload")
    assert (uploaded.actor_id, uploaded.object_type, uploaded.object_id) == (world.staff.id, "Evidence", evidence.id)
    assert uploaded.changes["file"] == [None, "Báo cáo.pdf"] and uploaded.changes["sha256"][1] == evidence.sha256


def test_deadline_and_extension_changes_are_recorded(client, world):  # noqa: F811
    switch_to(client, world.secretariat)
    client.post("/mo-hinh/han-nop?nam=2028", data={"hn-deadline_date": "2028-10-20", "hn-deadline_time": "17:00",
                                                 "hn-kinds": ["department"]})
    deadline = _one("deadline.set", object_label="Hạn nộp mô hình năm 2028")
    assert deadline.actor_id == world.secretariat.id
    assert deadline.changes["scope_kinds"] == [["department", "commune"], ["department"]]
    assert deadline.changes["deadline_at"][1].startswith("2028-10-20T17:00")
    until = local_today() + timedelta(days=60)
    client.post("/mo-hinh/han-nop/gia-han?nam=2026", data={"gh-unit_id": str(world.health.id),
                                                          "gh-until_date": until.isoformat(), "gh-reason": "Sáp nhập"})
    extended = _one("deadline.extend")
    assert (extended.object_type, extended.object_id, extended.reason) == ("Unit", world.health.id, "Sáp nhập")
    assert extended.changes["until"][0] is None and extended.changes["until"][1].startswith(until.isoformat())


def test_a_failed_login_on_an_account_is_recorded(client, make_user):
    user = make_user(Role.STAFF)
    client.post("/dang-nhap", data={"login": user.login, "password": "sai-mat-khau-99"})
    failed = _one("auth.login_failed")
    assert failed.object_id == user.id and failed.ip_address


def test_the_trail_shows_recorded_values_in_vietnamese(client, login_as):
    login_as(Role.ADMIN)
    unit = factories.make_unit("Sở Tư pháp")
    record("round.start", object_type="Round", object_id=7, label="Đợt 2026",
           changes={"state": ["draft", "scoring"]})
    record("deadline.set", object_type="SubmissionDeadline", object_id=1, label="Hạn nộp 2027",
           changes={"deadline_at": ["2027-10-15T23:59:59+07:00", "2027-10-20T10:00:00+00:00"],
                    "scope_kinds": [["department"], ["department", "commune"]]})
    record("proposal.approve", object_type="Proposal", object_id=3, label="Đề nghị",
           changes={"decision_date": [None, "2026-11-02"]})
    record("user.update", object_type="User", object_id=5, label="Lan",
           changes={"roles": [["staff"], ["staff", "evaluator"]], "is_active": [True, False]})
    record("unit.update", unit, changes={"kind": ["department", "commune"]})
    db.session.commit()
    page = client.get("/nhat-ky").get_data(as_text=True)
    cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip()
             for li in re.findall(r'<li><span class="text-muted">.*?</li>', page, re.S)]
    from danvankheo.scoring.models import RoundState

    assert f"Trạng thái: {RoundState.DRAFT.label} → {RoundState.SCORING.label}" in cells, cells
    assert "Hạn nộp: 15/10/2027 23:59 → 20/10/2027 17:00" in cells, cells
    assert "Ngày quyết định: 02/11/2026" in cells, cells
    assert any(c.startswith("Loại đơn vị phải đăng ký:") and "UBND xã/phường/đặc khu" in c for c in cells), cells
    assert any(c.startswith("Vai trò:") and "Cán bộ đơn vị" in c and "[" not in c for c in cells), cells
    assert "Đang hoạt động: Có → Không" in cells, cells  # as the account form names it
    assert f"Loại đơn vị: {UnitKind.DEPARTMENT.label} → {UnitKind.COMMUNE.label}" in cells, cells
    for code in ("draft", "scoring", "department", "staff", "True", "2026-11-02", "+07:00"):
        assert not any(code in c for c in cells), (code, cells)
