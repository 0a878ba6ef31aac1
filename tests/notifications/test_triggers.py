"""Each feature tells the right people, in the app and by email, at the right step."""

from __future__ import annotations

from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from tests.audit import journey


def _kinds(user) -> list[str]:
    return list(db.session.scalars(
        select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id)
    ))


def _mail_to(inbox, address: str) -> list[str]:
    return [m["Subject"] for m in inbox if address in m.rcpt_tos]


def test_model_returned_then_accepted(app, smtp_server):
    j = journey.start()
    journey.register_and_edit(j)
    journey.submit(j)
    journey.return_for_changes(j)
    assert _kinds(j.staff) == ["initiative_returned"]
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == j.staff.id))
    assert "Bổ sung số người hưởng lợi." in note.body
    assert note.link == f"/mo-hinh/{j.initiative.id}"
    journey.submit(j)
    journey.accept(j)
    assert _kinds(j.staff) == ["initiative_returned", "initiative_accepted"]
    assert _mail_to(smtp_server, "duc@stp.vn") == [
        "[Dân vận khéo] Mô hình “Tư pháp gần dân, gần cơ sở” được trả lại để bổ sung",
        "[Dân vận khéo] Mô hình “Tư pháp gần dân, gần cơ sở” đã được tiếp nhận",
    ]


def test_model_rejected(app, smtp_server):
    from danvankheo.registry.models import Status
    from danvankheo.registry.workflow import transition

    j = journey.start()
    journey.register_and_edit(j)
    journey.submit(j)
    transition(j.initiative, Status.REJECTED, j.secretariat, reason="Không phải mô hình Dân vận khéo.")
    db.session.commit()
    assert _kinds(j.staff) == ["initiative_rejected"]
    assert _mail_to(smtp_server, "duc@stp.vn") == [
        "[Dân vận khéo] Mô hình “Tư pháp gần dân, gần cơ sở” không được tiếp nhận"
    ]


def test_evaluators_are_told_of_their_assignments(app, smtp_server):
    j = journey.start()
    for step in (journey.register_and_edit, journey.submit, journey.accept, journey.open_round_and_assign):
        step(j)
    for evaluator in j.evaluators:
        assert "scoring.assigned" in _kinds(evaluator)
        subjects = _mail_to(smtp_server, evaluator.email)
        assert any("Bạn được phân công chấm" in s for s in subjects), subjects


def test_units_are_told_when_results_are_published_and_awards_approved(app, smtp_server):
    j = journey.start()
    for step in journey.STEPS:
        step(j)
    kinds = _kinds(j.staff)
    assert kinds.count("scoring.finalised") == 1
    assert kinds.count("awards.approved") == 1
    subjects = _mail_to(smtp_server, "duc@stp.vn")
    assert any(s.startswith("[Dân vận khéo] Đã công bố kết quả chấm điểm") for s in subjects)
    assert "[Dân vận khéo] Đơn vị được khen thưởng theo Quyết định số 345/QĐ-UBND" in subjects
    assert _kinds(j.evaluators[0]).count("awards.approved") == 0
