"""Every transition of a model, every refusal, and what each one leaves behind."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from danvankheo.audit.models import AuditEvent
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.registry import workflow
from danvankheo.registry.deadlines import grant_extension, set_year_settings
from danvankheo.registry.models import Initiative, Status, Transition
from danvankheo.registry.workflow import ACTIONS, TRANSITIONS, Actor
from danvankheo.units.models import UnitKind
from tests import factories
from tests.registry.conftest import switch_to

SLUG = {a.target: a.slug for a in ACTIONS.values()}


def _actor_user(world, actor: Actor):
    return world.staff if actor is Actor.OWNER else world.secretariat


def _put_in(initiative: Initiative, status: Status) -> None:
    initiative.status = status
    if status is not Status.DRAFT:
        initiative.submitted_at = utcnow()
    db.session.commit()


def _post(client, initiative, target: Status, reason: str | None = "Cần bổ sung số liệu kiểm chứng."):
    data = {"reason": reason} if reason else {}
    return client.post(f"/mo-hinh/{initiative.id}/{SLUG[target]}", data=data)


def _reload(initiative) -> Initiative:
    db.session.expire_all()
    return db.session.get(Initiative, initiative.id)


@pytest.mark.parametrize(("source", "target", "actor"), sorted(TRANSITIONS, key=str), ids=str)
def test_every_allowed_transition_is_recorded(client, world, ready, source, target, actor):
    _put_in(ready, source)
    user = _actor_user(world, actor)
    switch_to(client, user)
    response = _post(client, ready, target)
    assert response.status_code == 303
    initiative = _reload(ready)
    assert initiative.status is target
    step = initiative.transitions[-1]
    assert (step.from_status, step.to_status, step.actor_id) == (source, target, user.id)
    assert step.occurred_at is not None
    if ACTIONS[SLUG[target]].needs_reason:
        assert step.reason == "Cần bổ sung số liệu kiểm chứng."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == initiative.id,
                                                       AuditEvent.action == f"initiative.{target.value}"))
    assert event is not None and event.actor_id == user.id
    assert event.changes == {"status": [source.value, target.value]}
    page = client.get(f"/mo-hinh/{initiative.id}").get_data(as_text=True)
    assert target.label in page  # the history on the model's page


ALL_ILLEGAL = [
    (source, target, actor)
    for source, target, actor in itertools.product(Status, [a.target for a in ACTIONS.values()], Actor)
    if (source, target, actor) not in TRANSITIONS
]


@pytest.mark.parametrize(("source", "target", "actor"), ALL_ILLEGAL, ids=str)
def test_every_illegal_transition_is_refused_on_the_server(client, world, ready, source, target, actor):
    _put_in(ready, source)
    user = _actor_user(world, actor)
    switch_to(client, user)
    before = db.session.scalar(select(func.count()).select_from(Transition))
    response = _post(client, ready, target)
    initiative = _reload(ready)
    assert initiative.status is source
    assert db.session.scalar(select(func.count()).select_from(Transition)) == before
    if not initiative.has_been_submitted and actor is Actor.REVIEWER:
        assert response.status_code == 404  # the secretariat may not even see a draft
    elif not any(to is target and who is actor for _s, to, who in TRANSITIONS):
        assert response.status_code == 403  # e.g. staff trying to accept their own model
        assert "không có quyền" in response.get_data(as_text=True)
    else:
        assert response.status_code == 303
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Không thể chuyển mô hình từ trạng thái" in page


def test_return_and_reject_need_a_reason(client, world, ready):
    _put_in(ready, Status.SUBMITTED)
    switch_to(client, world.secretariat)
    for target in (Status.RETURNED, Status.REJECTED):
        response = _post(client, ready, target, reason="   ")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Vui lòng ghi rõ lý do" in page
        assert _reload(ready).status is Status.SUBMITTED


def test_other_units_staff_cannot_move_a_model(client, world, ready):
    _put_in(ready, Status.RETURNED)
    switch_to(client, world.other_staff)
    assert _post(client, ready, Status.SUBMITTED).status_code == 404  # not theirs to see
    assert _post(client, ready, Status.WITHDRAWN).status_code == 404
    assert _reload(ready).status is Status.RETURNED


@pytest.mark.parametrize("role_user", ["observer", "evaluator", "other_staff"])
def test_only_the_secretariat_reviews(client, world, ready, role_user):
    _put_in(ready, Status.SUBMITTED)
    switch_to(client, getattr(world, role_user))
    # The observer sees the submitted model (403); the others may not even see it (404).
    expected = 403 if role_user == "observer" else 404
    for target in (Status.ACCEPTED, Status.RETURNED, Status.REJECTED):
        assert _post(client, ready, target).status_code == expected
    assert _reload(ready).status is Status.SUBMITTED


def test_admin_reviews_like_the_secretariat(client, world, ready):
    _put_in(ready, Status.SUBMITTED)
    switch_to(client, world.admin)
    assert _post(client, ready, Status.ACCEPTED).status_code == 303
    assert _reload(ready).status is Status.ACCEPTED


def test_submit_lists_every_missing_field_in_vietnamese(client, world):
    draft = factories.make_initiative(world.justice, situation="", goals="", lead_phone="", field=None,
                                      start_date=None)
    db.session.commit()
    switch_to(client, world.staff)
    response = _post(client, draft, Status.SUBMITTED)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hồ sơ chưa đủ để nộp. Còn thiếu:" in page
    for label in ("Lĩnh vực", "Thực trạng, lý do xây dựng mô hình", "Mục tiêu", "Số điện thoại liên hệ",
                  "Thời gian bắt đầu", "Ít nhất một tệp minh chứng"):
        assert label in page
    assert _reload(draft).status is Status.DRAFT


def test_a_draft_needs_only_a_name(client, world):
    switch_to(client, world.staff)
    response = client.post("/mo-hinh/dang-ky", data={"name": "Mô hình mới", "year": "2026", "kind": "collective",
                                                     "continues_id": "0"})
    assert response.status_code == 302
    initiative = db.session.scalar(select(Initiative).where(Initiative.name == "Mô hình mới"))
    assert initiative.status is Status.DRAFT and initiative.unit_id == world.justice.id
    assert [t.to_status for t in initiative.transitions] == [Status.DRAFT]
    response = client.post("/mo-hinh/dang-ky", data={"name": "", "year": "2026", "kind": "collective",
                                                     "continues_id": "0"})
    assert response.status_code == 200 and "Vui lòng nhập trường này." in response.get_data(as_text=True)


def test_return_notifies_the_units_staff_with_the_reason(client, world, ready):
    _put_in(ready, Status.SUBMITTED)
    switch_to(client, world.secretariat)
    _post(client, ready, Status.RETURNED, reason="Thiếu ảnh minh chứng hoạt động.")
    notes = db.session.scalars(select(Notification).where(Notification.kind == "initiative_returned")).all()
    assert {n.user_id for n in notes} == {world.staff.id, world.colleague.id}
    assert all("trả lại" in n.title and "Thiếu ảnh minh chứng" in n.body for n in notes)
    assert all(n.link == f"/mo-hinh/{ready.id}" for n in notes)
    switch_to(client, world.staff)
    page = client.get(f"/mo-hinh/{ready.id}").get_data(as_text=True)
    assert "Lý do trả lại" in page and "Thiếu ảnh minh chứng hoạt động." in page


@pytest.mark.parametrize(("target", "kind"), [(Status.ACCEPTED, "initiative_accepted"),
                                              (Status.REJECTED, "initiative_rejected")])
def test_decisions_notify_the_unit(client, world, ready, target, kind):
    _put_in(ready, Status.SUBMITTED)
    switch_to(client, world.secretariat)
    _post(client, ready, target, reason="Không đúng lĩnh vực.")
    users = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))
    assert users == {world.staff.id, world.colleague.id}


def test_submission_notifies_the_secretariat(client, world, ready):
    switch_to(client, world.staff)
    _post(client, ready, Status.SUBMITTED)
    users = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "initiative_submitted")))
    assert users == {world.secretariat.id}


def test_full_cycle_and_history_on_the_page(client, world, ready):
    switch_to(client, world.staff)
    _post(client, ready, Status.SUBMITTED)
    switch_to(client, world.secretariat)
    _post(client, ready, Status.RETURNED, reason="Bổ sung số liệu.")
    switch_to(client, world.staff)
    _post(client, ready, Status.SUBMITTED)
    switch_to(client, world.secretariat)
    _post(client, ready, Status.ACCEPTED)
    initiative = _reload(ready)
    assert [t.to_status for t in initiative.transitions] == [
        Status.SUBMITTED, Status.RETURNED, Status.SUBMITTED, Status.ACCEPTED
    ]
    page = client.get(f"/mo-hinh/{ready.id}").get_data(as_text=True)
    assert "Bổ sung số liệu." in page and world.staff.full_name in page and world.secretariat.full_name in page


# --- Read-only once submitted -----------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.ACCEPTED, Status.REJECTED])
def test_submitted_dossier_is_read_only(client, world, ready, status):
    _put_in(ready, status)
    version = ready.version
    switch_to(client, world.staff)
    response = client.post(f"/mo-hinh/{ready.id}/sua", data={"name": "Đổi tên", "year": "2026", "kind": "collective",
                                                             "continues_id": "0", "version": str(version)})
    assert response.status_code == 303
    assert _reload(ready).name == "Dân vận khéo trong cải cách hành chính"
    page = client.get(f"/mo-hinh/{ready.id}").get_data(as_text=True)
    assert "Sửa hồ sơ" not in page and "Tải lên minh chứng" not in page


def test_returned_dossier_is_editable_again(client, world, ready):
    _put_in(ready, Status.RETURNED)
    switch_to(client, world.staff)
    response = client.post(f"/mo-hinh/{ready.id}/sua", data={
        "name": "Tên đã sửa", "year": "2026", "kind": "collective", "continues_id": "0",
        "version": str(_reload(ready).version),
    })
    assert response.status_code == 302
    assert _reload(ready).name == "Tên đã sửa"


# --- Deadlines ---------------------------------------------------------------------------


def _close_year(year: int = 2026) -> None:
    factories.ensure_organiser()
    set_year_settings(year, deadline_at=utcnow() - timedelta(days=1), kinds=[UnitKind.DEPARTMENT])
    db.session.commit()


def test_submitting_after_the_deadline_is_refused(client, world, ready):
    _close_year()
    switch_to(client, world.staff)
    response = _post(client, ready, Status.SUBMITTED)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã quá hạn nộp mô hình năm 2026" in page
    assert _reload(ready).status is Status.DRAFT


def test_an_extension_allows_a_late_submission_marked_late(client, world, ready):
    _close_year()
    grant_extension(2026, world.justice, until=utcnow() + timedelta(days=3), reason="Đơn vị mới sáp nhập")
    db.session.commit()
    switch_to(client, world.staff)
    _post(client, ready, Status.SUBMITTED)
    initiative = _reload(ready)
    assert initiative.status is Status.SUBMITTED and initiative.is_late
    assert initiative.transitions[-1].is_late
    assert "Nộp muộn" in client.get(f"/mo-hinh/{ready.id}").get_data(as_text=True)


def test_an_expired_extension_does_not_help(world, ready):
    _close_year()
    grant_extension(2026, world.justice, until=utcnow() + timedelta(hours=1))
    with pytest.raises(workflow.TransitionRefused, match="quá hạn"):
        workflow.transition(ready, Status.SUBMITTED, world.staff, now=utcnow() + timedelta(hours=2))


def test_on_time_submission_is_not_late(world, ready):
    workflow.transition(ready, Status.SUBMITTED, world.staff)
    assert ready.is_late is False and ready.submitted_at is not None


def test_a_returned_model_can_be_resubmitted_after_the_deadline(world, ready):
    workflow.transition(ready, Status.SUBMITTED, world.staff)
    workflow.transition(ready, Status.RETURNED, world.secretariat, reason="Bổ sung")
    _close_year()
    workflow.transition(ready, Status.SUBMITTED, world.staff)
    assert ready.status is Status.SUBMITTED and ready.is_late is False


def test_a_withdrawn_model_cannot_be_resubmitted_after_the_deadline(world, ready):
    workflow.transition(ready, Status.SUBMITTED, world.staff)
    workflow.transition(ready, Status.WITHDRAWN, world.staff)
    _close_year()
    with pytest.raises(workflow.TransitionRefused, match="quá hạn"):
        workflow.transition(ready, Status.SUBMITTED, world.staff)


def test_default_deadline_is_15_october_2359_local(app):
    from danvankheo.registry.deadlines import deadline_for, general_deadline

    unit = factories.make_unit()
    deadline = general_deadline(2030)
    local = deadline.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (local.month, local.day, local.hour, local.minute) == (10, 15, 23, 59)
    assert deadline_for(2030, unit) == deadline


def test_stale_transition_form_is_refused(client, world, ready):
    _put_in(ready, Status.SUBMITTED)
    stale_version = _reload(ready).version
    workflow.transition(_reload(ready), Status.RETURNED, world.secretariat, reason="Bổ sung")
    db.session.commit()
    switch_to(client, world.secretariat)
    response = client.post(f"/mo-hinh/{ready.id}/tiep-nhan", data={"version": str(stale_version)})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hồ sơ đã được người khác thay đổi" in page
    assert _reload(ready).status is Status.RETURNED
