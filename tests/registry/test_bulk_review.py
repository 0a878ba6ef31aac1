"""Accepting or returning several submitted models at once, with one reason."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.registry.models import Initiative, Status
from tests import factories
from tests.keyset_walk import walk
from tests.notifications.conftest import smtp_server  # noqa: F401  (fixture)
from tests.registry.conftest import switch_to


def _submitted(world, *names_units):
    models = []
    for name, unit in names_units:
        model = factories.make_initiative(unit, name=name, status=Status.SUBMITTED)
        model.submitted_at = utcnow()
        models.append(model)
    db.session.commit()
    return models


def test_the_review_list_shows_submitted_models_with_checkboxes(client, world):
    a, b = _submitted(world, ("Một cửa thân thiện", world.justice), ("Khám bệnh tận nhà", world.health))
    factories.make_initiative(world.justice, name="Bản nháp không hiện")
    db.session.commit()
    switch_to(client, world.secretariat)
    html = client.get("/mo-hinh/xet-duyet").get_data(as_text=True)
    assert f'name="mo_hinh" value="{a.id}"' in html and f'name="mo_hinh" value="{b.id}"' in html
    assert "Bản nháp không hiện" not in html
    assert 'data-testid="review-link"' in client.get("/trang-chu").get_data(as_text=True)


def test_bulk_accept_audits_and_notifies_each_unit(client, world, smtp_server):  # noqa: F811
    a, b = _submitted(world, ("Một cửa thân thiện", world.justice), ("Khám bệnh tận nhà", world.health))
    switch_to(client, world.secretariat)
    response = client.post("/mo-hinh/xet-duyet", data={
        "mo_hinh": [a.id, b.id], "thao_tac": "tiep-nhan", "ly_do": "Hồ sơ đầy đủ, đúng mẫu."})
    assert response.status_code == 303
    assert "Đã tiếp nhận 2 mô hình" in client.get(response.headers["Location"]).get_data(as_text=True)
    for model in (a, b):
        db.session.refresh(model)
        assert model.status is Status.ACCEPTED
        assert model.transitions[-1].reason == "Hồ sơ đầy đủ, đúng mẫu."
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "initiative.accepted")).all()
    assert sorted(e.object_id for e in events) == sorted([a.id, b.id])
    assert all(e.actor_id == world.secretariat.id and e.reason == "Hồ sơ đầy đủ, đúng mẫu." for e in events)
    notes = db.session.scalars(select(Notification).where(Notification.kind == "initiative_accepted")).all()
    assert {n.user_id for n in notes} == {world.staff.id, world.colleague.id, world.other_staff.id}
    assert {m["To"].addresses[0].addr_spec for m in smtp_server} == {
        world.staff.email, world.colleague.email, world.other_staff.email}


def test_bulk_return_needs_the_reason(client, world):
    (a,) = _submitted(world, ("Một cửa thân thiện", world.justice))
    switch_to(client, world.secretariat)
    response = client.post("/mo-hinh/xet-duyet", data={"mo_hinh": [a.id], "thao_tac": "tra-lai", "ly_do": " "})
    assert response.status_code == 200
    assert "Vui lòng ghi rõ lý do khi chọn “Trả lại để bổ sung”" in response.get_data(as_text=True)
    db.session.refresh(a)
    assert a.status is Status.SUBMITTED
    response = client.post("/mo-hinh/xet-duyet", data={
        "mo_hinh": [a.id], "thao_tac": "tra-lai", "ly_do": "Thiếu số liệu kết quả năm 2026."})
    assert response.status_code == 303
    db.session.refresh(a)
    assert a.status is Status.RETURNED


def test_an_invalid_selection_is_reported_per_model_and_nothing_is_applied(client, world):
    a, b, c = _submitted(world, ("Một cửa thân thiện", world.justice), ("Khám bệnh tận nhà", world.health),
                         ("Đã rút", world.justice))
    c.status = Status.WITHDRAWN
    b_name = b.name
    db.session.commit()
    switch_to(client, world.secretariat)
    response = client.post("/mo-hinh/xet-duyet", data={
        "mo_hinh": [a.id, b.id, c.id, 987654], "thao_tac": "tiep-nhan", "ly_do": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    problems = html.split('data-testid="bulk-problems"')[1].split("</div>")[0]
    assert f"Đã rút</strong>: đang ở trạng thái “{Status.WITHDRAWN.label}”, không còn chờ tiếp nhận." in problems
    assert "Mô hình số 987654</strong>: không còn tồn tại." in problems
    assert b_name not in problems
    assert "Chưa tiếp nhận mô hình nào: 2 trong 4 mô hình đã chọn" in html
    # The selection is kept for the next try.
    assert f'value="{a.id}" id="chon-{a.id}" checked' in html
    states = {i.id: i.status for i in db.session.scalars(select(Initiative).execution_options(populate_existing=True))}
    assert states[a.id] is Status.SUBMITTED and states[b.id] is Status.SUBMITTED
    assert not db.session.scalar(select(AuditEvent).where(AuditEvent.action == "initiative.accepted"))


def test_only_the_secretariat_reviews_in_bulk(client, world):
    (a,) = _submitted(world, ("Một cửa thân thiện", world.justice))
    for user in (world.staff, world.observer, world.evaluator):
        switch_to(client, user)
        assert client.get("/mo-hinh/xet-duyet").status_code == 403
        assert client.post("/mo-hinh/xet-duyet", data={"mo_hinh": [a.id], "thao_tac": "tiep-nhan"}).status_code == 403
    db.session.refresh(a)
    assert a.status is Status.SUBMITTED


def test_the_review_list_is_paged_by_key_in_submission_order_with_its_filter(client, world, app):
    """Ten models of the year in the queue, four to a page, some submitted at the same instant
    and one recorded without a time (queued from its creation), among models of another year:
    each comes once, first submitted first, forward and back, the year kept on every link."""
    start = utcnow() - timedelta(days=1)
    expected = []
    for n, minutes in enumerate((5, 1, 3, 3, 9, 0, 3, 7, 2, 8)):
        model = factories.make_initiative(world.justice, name=f"Chờ duyệt {n}", year=2026, status=Status.SUBMITTED)
        model.submitted_at = start + timedelta(minutes=minutes)
        expected.append((minutes, n))
        other = factories.make_initiative(world.health, name=f"Năm khác {n}", year=2025, status=Status.SUBMITTED)
        other.submitted_at = start + timedelta(minutes=minutes)
    untimed = factories.make_initiative(world.justice, name="Chờ duyệt không giờ nộp", year=2026,
                                        status=Status.SUBMITTED)
    db.session.commit()
    app.config["PAGE_SIZE"] = 1
    switch_to(client, world.secretariat)
    forward, backward = walk(client, "/mo-hinh/xet-duyet?nam=2026", _queued, "nam=2026")
    assert [len(names) for names in forward] == [4, 4, 3]
    assert [n for names in forward for n in names] == (
        [f"Chờ duyệt {n}" for _, n in sorted(expected)] + [untimed.name])  # created after the others' times
    assert backward == forward[::-1]
    assert "11 mô hình đang chờ tiếp nhận" in client.get("/mo-hinh/xet-duyet?nam=2026").get_data(as_text=True)


def _queued(page: str) -> list[str]:
    return re.findall(r'<label for="chon-\d+">([^<]+)</label>', page)
