"""Second rounds: re-evaluating a ranked or proposed model needs a reason and shows where it
stands; a model accepted after a round opened can still join it while it is scored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.awards.catalogue import create_award_form
from danvankheo.awards.models import AwardLevel
from danvankheo.awards.proposals import create_proposal
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.errors import NeedsReason
from danvankheo.scoring.models import Assignment, RoundEntry, RoundState
from tests.factories import make_initiative
from tests.scoring.conftest import full_marks


def _finalised(p):
    """Score and publish the province's first round."""
    round_ = p.round
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    for a in db.session.scalars(select(Assignment)):
        scorecards.save_scorecard(round_, a.initiative, a.evaluator, full_marks(round_, 0), submit=True)
    rounds.close_scoring(round_)
    rounds.finalise(round_, by=p.secretariat)
    db.session.flush()


def _second(p, name="Đợt 2 (cấp tỉnh) 2026"):
    # With every eligible model: those ranked in the first round are held back.
    round_ = rounds.create_round(rounds.RoundSettings(name=name, year=2026), by=p.secretariat)
    assignments.set_panel(round_, list(p.evaluators.values()))
    db.session.flush()
    return round_


def test_a_ranked_model_needs_a_reason_and_the_refusal_says_where_it_stands(app, province):
    _finalised(province)
    second = _second(province)
    justice = province.models["justice"]
    with pytest.raises(NeedsReason) as asked:
        rounds.add_entries(second, [justice.id], by=province.secretariat)
    (standing,) = asked.value.standings[justice.id]
    assert standing.round_name == "Đợt 2026" and "đã công bố kết quả: xếp hạng" in standing.text
    assert not db.session.scalar(select(RoundEntry).where(RoundEntry.round_id == second.id,
                                                          RoundEntry.initiative_id == justice.id))
    rounds.add_entries(second, [justice.id], by=province.secretariat, reason="Đủ điều kiện đề nghị cấp tỉnh")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.entries_add_reviewed"))
    assert event.reason == "Đủ điều kiện đề nghị cấp tỉnh" and event.object_id == second.id
    assert event.changes["initiative"] == [None, justice.name]
    assert "Đợt 2026: đã công bố kết quả: xếp hạng" in event.changes["standing"][1]


def test_add_all_holds_back_models_that_stand_elsewhere(app, province):
    _finalised(province)
    second = _second(province)
    fresh = make_initiative(province.commune, name="Mới tiếp nhận", status=Status.ACCEPTED)
    db.session.flush()
    assert rounds.count_held_back(second) == 4  # the four ranked in the first round
    assert rounds.add_all_eligible(second) == 1
    assert set(db.session.scalars(select(RoundEntry.initiative_id).where(RoundEntry.round_id == second.id))) == {
        fresh.id}


def test_a_proposed_model_shows_its_proposal(app, province):
    _finalised(province)
    justice = province.models["justice"]
    form = create_award_form(name="Bằng khen của Chủ tịch UBND tỉnh", issuing_authority="Chủ tịch UBND tỉnh",
                             level=AwardLevel.PROVINCE)
    create_proposal(province.round, [justice.id], form, actor=province.secretariat, title="Đề nghị Bằng khen 2026")
    second = _second(province)
    with pytest.raises(NeedsReason) as asked:
        rounds.add_entries(second, [justice.id])
    texts = [s.text for s in asked.value.standings[justice.id]]
    assert any("được đề nghị khen thưởng trong “Đề nghị Bằng khen 2026”" in t for t in texts), texts


def test_the_pages_ask_for_the_reason_then_add(client, login_as, province):
    _finalised(province)
    second = _second(province)
    db.session.commit()
    login_as(province.secretariat)
    justice = province.models["justice"]
    page = client.get(f"/dot-danh-gia/{second.id}/mo-hinh").get_data(as_text=True)
    assert f"★ {justice.name}" in page and 'data-testid="held-back"' in page
    response = client.post(f"/dot-danh-gia/{second.id}/mo-hinh/them", data={"initiative_id": [justice.id]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="standings-elsewhere"' in html
    assert "Đợt 2026" in html and "xếp hạng" in html and "Lý do đánh giá lại" in html
    # Sent back without a reason: asked again, nothing added.
    html = client.post(f"/dot-danh-gia/{second.id}/mo-hinh/them",
                       data={"initiative_id": [justice.id], "hoi_lai": "1", "ly_do": " "}).get_data(as_text=True)
    assert "Vui lòng ghi lý do đánh giá lại." in html
    assert rounds.entry_count(second) == 0
    response = client.post(f"/dot-danh-gia/{second.id}/mo-hinh/them",
                           data={"initiative_id": [justice.id], "hoi_lai": "1", "ly_do": "Vòng cấp tỉnh"})
    assert response.status_code == 302
    assert rounds.entry_count(second) == 1


def test_a_model_accepted_late_joins_a_running_round(client, login_as, province):
    round_ = province.round
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    late = make_initiative(province.commune, name="Tiếp nhận muộn", status=Status.ACCEPTED)
    db.session.commit()
    login_as(province.secretariat)
    page = client.get(f"/dot-danh-gia/{round_.id}/mo-hinh").get_data(as_text=True)
    assert 'data-testid="late-add-note"' in page and "Tiếp nhận muộn" in page
    response = client.post(f"/dot-danh-gia/{round_.id}/mo-hinh/them", data={"initiative_id": [late.id]})
    assert response.status_code == 302
    assert "Hãy phân công người chấm" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(round_)
    assert round_.state is RoundState.SCORING
    assert late.id in set(db.session.scalars(select(RoundEntry.initiative_id).where(RoundEntry.round_id == round_.id)))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.entries_add_late"))
    assert event.changes["initiative_ids"] == [None, [late.id]]
    # The evaluator can now be assigned to it.
    assignments.assign(round_, late, province.evaluators["justice"], by=province.secretariat)
