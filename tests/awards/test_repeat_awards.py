"""One achievement, one award: a model already awarded (or continuing an awarded one) is
proposed again only with a reason, shown with the earlier award, and the reason is audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.awards import decisions, errors, proposals, repeat_awards
from danvankheo.awards.models import AwardForm, AwardLevel
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from tests.awards.builders import build_finalised_round
from tests.factories import make_initiative


@pytest.fixture
def awarded(app):
    world = build_finalised_round()
    form = db.session.scalars(select(AwardForm).where(AwardForm.level == AwardLevel.PROVINCE)
                              .order_by(AwardForm.id)).first()
    model = world.models["justice"]
    proposal = proposals.create_proposal(world.round, [model.id], form, actor=world.secretariat)
    proposal.submission_number, proposal.submission_date = "125/TTr-SNV", date(2026, 10, 20)
    proposal.signer_name, proposal.signer_title = "Nguyễn Văn An", "Phó Giám đốc"
    for line in proposal.lines:
        line.achievement_summary = "Thành tích"
    db.session.flush()
    proposals.submit_proposal(proposal, actor=world.secretariat)
    decisions.approve_proposal(proposal, "2150/QĐ-UBND", date(2026, 11, 2), actor=world.secretariat)
    db.session.commit()
    return world, form, model, proposal


def test_proposing_the_same_model_again_needs_a_reason(awarded):
    world, form, model, earlier = awarded
    with pytest.raises(errors.RepeatedAwardError) as refusal:
        proposals.create_proposal(world.round, [model.id], form, actor=world.secretariat)
    assert "Một thành tích chỉ được đề nghị khen thưởng một lần" in str(refusal.value)
    assert "Quyết định số 2150/QĐ-UBND" in str(refusal.value)
    assert [e.line.proposal_id for e in refusal.value.earlier] == [earlier.id]
    db.session.rollback()
    # Other models pass without a word.
    proposals.create_proposal(world.round, [world.models["commune"].id], form, actor=world.secretariat)
    proposal = proposals.create_proposal(world.round, [model.id], form, actor=world.secretariat,
                                        repeat_reason="Năm nay mô hình mở rộng ra 12 xã, kết quả mới.")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "proposal.create",
                                                        AuditEvent.object_id == proposal.id)).one()
    assert event.reason == "Năm nay mô hình mở rộng ra 12 xã, kết quả mới."


def test_adding_a_line_for_an_awarded_model_needs_a_reason(awarded):
    world, form, model, _earlier = awarded
    proposal = proposals.create_proposal(world.round, [world.models["commune"].id], form, actor=world.secretariat)
    with pytest.raises(errors.RepeatedAwardError):
        proposals.add_line(proposal, model, None, form, actor=world.secretariat)
    line = proposals.add_line(proposal, model, None, form, actor=world.secretariat,
                             repeat_reason="Cá nhân có thành tích mới trong năm.")
    assert line.initiative_id == model.id


def test_a_model_continuing_an_awarded_one_is_asked_too_and_revoked_awards_do_not_count(awarded):
    world, _form, model, earlier = awarded
    follow_up = make_initiative(model.unit, name="Tư pháp gần dân - giai đoạn 2", year=2027,
                                status=Status.ACCEPTED, continues=model)
    assert [e.initiative_id for e in repeat_awards.earlier_awards([follow_up.id])] == [follow_up.id]
    decisions.revoke_award(earlier.lines[0], "Phát hiện kê khai không đúng thành tích.",
                          decision_number="99/QĐ-UBND", actor=world.secretariat)
    assert repeat_awards.earlier_awards([follow_up.id, model.id]) == []


def test_the_new_proposal_page_shows_the_earlier_award_and_takes_the_reason(client, login_as, awarded):
    world, form, model, earlier = awarded
    login_as(world.secretariat)
    data = {"dot": world.round.id, "title": "Danh sách bổ sung", "award_form_id": form.id, "initiative_ids": model.id}
    page = client.post("/khen-thuong/de-nghi/moi", data=data).get_data(as_text=True)
    assert 'data-testid="repeated-awards"' in page and f'href="/khen-thuong/de-nghi/{earlier.id}"' in page
    response = client.post("/khen-thuong/de-nghi/moi", data=data | {"ly_do_khen_lai": "Kết quả mới năm 2027."})
    assert response.status_code == 303
