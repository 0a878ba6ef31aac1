"""Đề nghị cấp trên: a commune sends a model judged in its published round up to the province,
which accepts it into its own competition or returns it with a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from danvankheo.audit.models import AuditEvent
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.organisers import nominations
from danvankheo.organisers.models import Nomination, NominationState
from danvankheo.scoring import rounds
from danvankheo.scoring.errors import ScoringError
from danvankheo.scoring.models import RoundEntry

NOTE = "Mô hình được Hội đồng xã xếp loại Tốt, đề nghị tỉnh xem xét tặng Bằng khen."


def _acting(user, organiser):
    assert user.act_for(organiser.id)
    return user


def _kinds(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def _actions(nomination) -> list[str]:
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "Nomination", AuditEvent.object_id == nomination.id)
        .order_by(AuditEvent.id)
    ))


def _province_round(world):
    return rounds.create_round(
        rounds.RoundSettings(name="Đợt đánh giá cấp tỉnh năm 2026", year=2026, min_scorecards=1),
        by=world.users["province_secretariat"], organiser_id=world.province.id,
    )


def test_a_commune_proposes_a_model_and_the_province_takes_it_into_its_round(two_levels):
    w = two_levels
    model = w.models["culture"]
    nomination = nominations.nominate(model, NOTE, by=w.users["gia_vien_secretariat"])
    assert (nomination.from_organiser_id, nomination.to_organiser_id) == (w.gia_vien.id, w.province.id)
    assert nomination.state is NominationState.PENDING and nomination.year == 2026 and nomination.note == NOTE
    assert "nomination.create" in _kinds(w.users["province_secretariat"])
    assert "nomination.create" not in _kinds(w.users["gia_hung_secretariat"])

    # Pending: the province's rounds cannot take it yet.
    first = _province_round(w)
    with pytest.raises(ScoringError):
        rounds.add_entries(first, [model.id], by=w.users["province_secretariat"], reason="Cấp xã đề nghị")

    nominations.accept(nomination, by=w.users["province_secretariat"])
    assert nomination.state is NominationState.ACCEPTED
    assert nomination.decided_by_id == w.users["province_secretariat"].id and nomination.decided_at is not None
    assert "nomination.accept" in _kinds(w.users["gia_vien_secretariat"])

    # Accepted: the province's new round takes it in with the province's own models. Its
    # ranking and Giấy khen at the commune are another competition: no second-round reason.
    second = _province_round(w)
    assert rounds.count_held_back(second) == 0
    assert db.session.scalar(select(func.count()).where(RoundEntry.round_id == second.id,
                                                        RoundEntry.initiative_id == model.id)) == 1
    # The rest of Gia Viễn stays out of the province's rounds.
    with pytest.raises(ScoringError):
        rounds.add_entries(second, [w.models["clinic"].id], by=w.users["province_secretariat"], reason="x")

    assert _actions(nomination) == ["nomination.create", "nomination.accept"]
    # The model's own history lists both steps.
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.parent_type == "Initiative",
                                                         AuditEvent.parent_id == model.id)).all()
    assert {e.action for e in events} >= {"nomination.create", "nomination.accept"}
    assert {e.actor_id for e in events if e.action.startswith("nomination.")} == {
        w.users["gia_vien_secretariat"].id, w.users["province_secretariat"].id}


def test_a_model_goes_up_once(two_levels):
    w = two_levels
    model = w.models["culture"]
    nominations.nominate(model, NOTE, by=w.users["gia_vien_secretariat"])
    db.session.commit()
    with pytest.raises(nominations.NominationError, match="chỉ đề nghị lên cấp trên một lần"):
        nominations.nominate(model, "Gửi lại", by=w.users["gia_vien_secretariat"])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 1


def test_the_database_refuses_a_second_proposal_too(two_levels, monkeypatch):
    w = two_levels
    model = w.models["culture"]
    db.session.add(Nomination(initiative_id=model.id, from_organiser_id=w.gia_vien.id,
                              to_organiser_id=w.province.id, year=2026, note="đầu tiên"))
    db.session.flush()
    # A second request that passed the check before the first was written meets the constraint.
    monkeypatch.setattr(nominations, "check_nominate", lambda initiative, by: (w.gia_vien, w.province))
    with pytest.raises(nominations.NominationError, match="một lần"):
        nominations.nominate(model, NOTE, by=w.users["gia_vien_secretariat"])
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 1


@pytest.mark.parametrize(("who", "message"), [
    ("gia_hung_secretariat", "không thuộc phạm vi của UBND xã Gia Hưng"),
    ("province_secretariat", "không thuộc phạm vi của UBND tỉnh Ninh Bình"),
    ("province_observer", "Chỉ thường trực"),
    ("gia_vien_evaluator", "Chỉ thường trực"),
])
def test_only_the_models_own_secretariat_proposes_it(two_levels, who, message):
    w = two_levels
    with pytest.raises(nominations.NominationError, match=message):
        nominations.nominate(w.models["culture"], NOTE, by=w.users[who])
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 0


def test_only_published_models_and_only_where_there_is_a_level_above(two_levels):
    w = two_levels
    secretariat = w.users["gia_vien_secretariat"]
    # Not in a published round of Gia Viễn: the draft, last year's model.
    for key in ("economy_draft", "culture_2025"):
        with pytest.raises(nominations.NominationError, match="chưa có trong đợt đánh giá nào đã công bố"):
            nominations.nominate(w.models[key], NOTE, by=secretariat)
    # The province is the top level.
    with pytest.raises(nominations.NominationError, match="không có cơ quan tổ chức cấp trên"):
        nominations.nominate(w.models["justice"], NOTE, by=w.users["province_secretariat"])
    # A note is required.
    with pytest.raises(nominations.NominationError, match="ý kiến đề nghị") as refused:
        nominations.nominate(w.models["culture"], "  ", by=secretariat)
    assert refused.value.field == "note"
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 0


def test_returning_needs_a_reason_and_only_the_parent_decides(two_levels):
    w = two_levels
    nomination = nominations.nominate(w.models["culture"], NOTE, by=w.users["gia_vien_secretariat"])
    db.session.commit()
    with pytest.raises(nominations.NominationError, match="lý do trả lại") as refused:
        nominations.return_(nomination, "   ", by=w.users["province_secretariat"])
    assert refused.value.field == "reason"
    db.session.rollback()
    for who in ("gia_vien_secretariat", "gia_hung_secretariat", "province_observer"):
        with pytest.raises(nominations.NominationError, match="Chỉ thường trực của UBND tỉnh Ninh Bình"):
            nominations.accept(nomination, by=w.users[who])
        db.session.rollback()
    assert db.session.get(Nomination, nomination.id).state is NominationState.PENDING

    nominations.return_(nomination, "Hồ sơ thiếu minh chứng kết quả.", by=w.users["province_secretariat"])
    db.session.commit()
    assert nomination.state is NominationState.RETURNED and nomination.reason == "Hồ sơ thiếu minh chứng kết quả."
    assert "nomination.return" in _kinds(w.users["gia_vien_secretariat"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "nomination.return"))
    assert event.reason == "Hồ sơ thiếu minh chứng kết quả."
    # Decided once; a returned model is not sent again, nor taken by the province's rounds.
    with pytest.raises(nominations.NominationError, match="đã được xử lý"):
        nominations.accept(nomination, by=w.users["province_secretariat"])
    db.session.rollback()
    with pytest.raises(nominations.NominationError, match="một lần"):
        nominations.nominate(w.models["culture"], NOTE, by=w.users["gia_vien_secretariat"])
    db.session.rollback()
    with pytest.raises(ScoringError):
        rounds.add_entries(_province_round(w), [w.models["culture"].id], by=w.users["province_secretariat"],
                           reason="x")


# --- Pages -----------------------------------------------------------------------------------


def test_the_pages_play_a_proposal_from_the_ranking_to_the_province(two_levels, client, login_as):
    w = two_levels
    model = w.models["culture"]
    login_as(w.users["gia_vien_secretariat"])
    ranking = client.get(f"/dot-danh-gia/{w.commune_round.id}/xep-hang").get_data(as_text=True)
    assert f'href="/de-nghi-cap-tren/moi?mo_hinh={model.id}"' in ranking
    page = client.get(f"/de-nghi-cap-tren/moi?mo_hinh={model.id}")
    assert page.status_code == 200 and "UBND tỉnh Ninh Bình" in page.get_data(as_text=True)
    # The note is required; nothing is written without it.
    refused = client.post(f"/de-nghi-cap-tren/moi?mo_hinh={model.id}", data={"note": " "})
    assert "Vui lòng ghi lý do đề nghị lên cấp trên." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 0
    sent = client.post(f"/de-nghi-cap-tren/moi?mo_hinh={model.id}", data={"note": NOTE}, follow_redirects=True)
    text = sent.get_data(as_text=True)
    assert "Đã gửi đề nghị mô hình" in text and "Chờ cấp trên xem xét" in text
    # Twice: the form page says why and the database keeps one proposal.
    again = client.get(f"/de-nghi-cap-tren/moi?mo_hinh={model.id}").get_data(as_text=True)
    assert "mỗi mô hình chỉ đề nghị lên cấp trên một lần" in again and 'name="note"' not in again
    client.post(f"/de-nghi-cap-tren/moi?mo_hinh={model.id}", data={"note": NOTE})
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 1
    nomination = db.session.scalar(select(Nomination))

    # Another commune's secretariat: the model is not theirs to see, nor the proposal.
    client.post("/dang-xuat")
    login_as(w.users["gia_hung_secretariat"])
    assert client.get(f"/de-nghi-cap-tren/moi?mo_hinh={model.id}").status_code == 404
    assert client.post(f"/de-nghi-cap-tren/{nomination.id}/nhan").status_code == 404
    assert "Dân vận khéo ở thôn bản" not in client.get("/de-nghi-cap-tren").get_data(as_text=True)

    client.post("/dang-xuat")
    login_as(w.users["province_secretariat"])
    page = client.get("/de-nghi-cap-tren").get_data(as_text=True)
    assert "Cấp dưới đề nghị" in page and NOTE in page
    prefix = f"de-nghi-{nomination.id}"
    refused = client.post(f"/de-nghi-cap-tren/{nomination.id}/tra-lai", data={f"{prefix}-reason": ""},
                          follow_redirects=True)
    assert "Vui lòng ghi lý do trả lại để cấp dưới biết." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).state is NominationState.PENDING
    accepted = client.post(f"/de-nghi-cap-tren/{nomination.id}/nhan", follow_redirects=True)
    assert "Đã nhận mô hình" in accepted.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).state is NominationState.ACCEPTED

    client.post("/dang-xuat")
    login_as(w.users["gia_vien_secretariat"])
    sent_page = client.get("/de-nghi-cap-tren").get_data(as_text=True)
    assert "Cấp trên đã nhận vào xét" in sent_page


def test_the_return_form_on_the_page_records_the_reason(two_levels, client, login_as):
    w = two_levels
    nomination = nominations.nominate(w.models["clinic"], NOTE, by=w.users["gia_vien_secretariat"])
    db.session.commit()
    login_as(w.users["province_secretariat"])
    page = client.get("/de-nghi-cap-tren").get_data(as_text=True)
    prefix = f"de-nghi-{nomination.id}"
    assert f'name="{prefix}-reason"' in page
    client.post(f"/de-nghi-cap-tren/{nomination.id}/tra-lai", data={f"{prefix}-reason": "Chưa đủ minh chứng."})
    db.session.expire_all()
    returned = db.session.get(Nomination, nomination.id)
    assert returned.state is NominationState.RETURNED and returned.reason == "Chưa đủ minh chứng."
    client.post("/dang-xuat")
    login_as(w.users["gia_vien_secretariat"])
    assert "Chưa đủ minh chứng." in client.get("/de-nghi-cap-tren").get_data(as_text=True)
