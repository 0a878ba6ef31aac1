"""Blind rounds that cannot be bypassed: the discussion phase, reopening, versions."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.scoring import assignments, phases, rounds, scorecards, standings
from danvankheo.scoring.errors import ScoringError
from danvankheo.scoring.models import Assignment, ScorecardVersion, VersionKind
from danvankheo.scoring.ranking import FLAG_DISCUSSION, compute_ranking
from tests.scoring.conftest import full_marks


@pytest.fixture
def scoring(province):
    assignments.auto_assign(province.round, 2)
    rounds.start_scoring(province.round)
    db.session.commit()
    return province


def _pair(p, key="justice"):
    model = p.models[key]
    a, b = db.session.scalars(select(Assignment).where(Assignment.initiative_id == model.id)
                              .order_by(Assignment.evaluator_id)).all()
    return model, a.evaluator, b.evaluator


def _form(values, version, action="submit"):
    return {**{f"score-{k}": v for k, v in values.items()}, "action": action, "comment": "", "version": str(version)}


def test_discussion_shows_others_allows_revision_and_marks_the_ranking(client, login_as, scoring):
    model, first, second = _pair(scoring)
    round_ = scoring.round
    scorecards.save_scorecard(round_, model, first, full_marks(round_, "3.5"), submit=True)
    scorecards.save_scorecard(round_, model, second, full_marks(round_, 20), submit=True)
    db.session.commit()
    url = f"/cham-diem/{round_.id}/{model.id}"
    login_as(second)
    assert "96,5" not in client.get(url).get_data(as_text=True)  # blind while scoring

    client.post("/dang-xuat")
    login_as(scoring.secretariat)
    assert client.post(f"/dot-danh-gia/{round_.id}/mo-thao-luan").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.discussion_open"))
    client.post("/dang-xuat")
    login_as(second)
    page = client.get(url).get_data(as_text=True)
    assert "96,5" in page and 'data-testid="card-discussion"' in page
    client.post(url, data=_form(full_marks(round_, 10), 1))
    db.session.expire_all()
    card = scorecards.find_scorecard(round_.id, model.id, second.id)
    assert card.total == 90 and card.revised_in_discussion and card.version == 2
    [latest] = [v for v in db.session.scalars(select(ScorecardVersion).where(
        ScorecardVersion.scorecard_id == card.id)) if v.number == 2]
    assert latest.kind is VersionKind.DISCUSSION and latest.actor_id == second.id
    assert [Decimal(x) for x in latest.changes["total"]] == [80, 90]
    # The ranking marks the model; the standing stays equal to a recomputation.
    row = next(r for r in compute_ranking(round_) if r.initiative_id == model.id)
    assert FLAG_DISCUSSION in row.flags
    assert standings.mismatches(round_) == []
    client.post("/dang-xuat")
    login_as(scoring.secretariat)
    assert "Điều chỉnh sau thảo luận" in client.get(f"/dot-danh-gia/{round_.id}/xep-hang").get_data(as_text=True)

    # Ending the discussion locks the cards again.
    phases.close_discussion(round_, by=scoring.secretariat)
    db.session.commit()
    with pytest.raises(ScoringError, match="đã khóa"):
        scorecards.save_scorecard(round_, model, second, full_marks(round_, 12), expected_version=2)


def test_discussion_does_not_show_others_before_one_submits(app, scoring):
    model, first, second = _pair(scoring)
    round_ = scoring.round
    own = scorecards.save_scorecard(round_, model, first, full_marks(round_), submit=False)
    phases.open_discussion(round_)
    assert not phases.others_visible(round_, own)
    own = scorecards.save_scorecard(round_, model, first, full_marks(round_), submit=True)
    assert phases.others_visible(round_, own)


def test_versions_keep_who_when_old_and_new_and_only_the_secretariat_reads_them(client, login_as, scoring, make_user):
    model, first, _second = _pair(scoring)
    round_ = scoring.round
    first_id = round_.criteria[0].id
    scorecards.save_scorecard(round_, model, first, {first_id: "12"}, expected_version=0)
    card = scorecards.save_scorecard(round_, model, first, full_marks(round_), submit=True, expected_version=1)
    phases.reopen_scorecard(card, "Điểm TC1 chưa đúng", by=scoring.secretariat)
    scorecards.save_scorecard(round_, model, first, full_marks(round_, 4), expected_version=2)
    db.session.commit()
    history = db.session.scalars(select(ScorecardVersion).where(ScorecardVersion.scorecard_id == card.id)
                                 .order_by(ScorecardVersion.number)).all()
    assert [v.kind for v in history] == [VersionKind.DRAFT, VersionKind.SUBMIT, VersionKind.REOPENED]
    assert all(v.actor_id == first.id and v.created_at for v in history)
    assert history[0].changes[round_.criteria[0].code] == [None, "12"]
    assert history[2].changes[round_.criteria[0].code] == ["20", "16"]

    url = f"/dot-danh-gia/{round_.id}/phieu/{card.id}/phien-ban"
    login_as(scoring.secretariat)
    page = client.get(url).get_data(as_text=True)
    assert first.full_name in page and "Sửa sau khi được mở lại" in page and "20 → 16" in page
    client.post("/dang-xuat")
    login_as(Role.OBSERVER)
    assert client.get(url).status_code == 403
    client.post("/dang-xuat")
    login_as(first)
    assert client.get(url).status_code == 403


def test_only_the_secretariat_reopens_and_needs_a_reason(client, login_as, scoring):
    model, first, _second = _pair(scoring)
    card = scorecards.save_scorecard(scoring.round, model, first, full_marks(scoring.round), submit=True)
    db.session.commit()
    url = f"/dot-danh-gia/{scoring.round.id}/phieu/{card.id}/mo-lai"
    login_as(first)
    assert client.post(url, data={"reason": "Tôi muốn sửa"}).status_code == 403
    client.post("/dang-xuat")
    login_as(scoring.secretariat)
    response = client.post(url, data={"reason": ""}, follow_redirects=True)
    assert "Vui lòng ghi rõ lý do mở lại phiếu chấm" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not scorecards.find_scorecard(scoring.round.id, model.id, first.id).is_reopened
    other = db.session.scalars(select(Assignment).where(
        Assignment.initiative_id == scoring.models["hospital"].id)).first().evaluator
    draft = scorecards.save_scorecard(scoring.round, scoring.models["hospital"], other, {}, submit=False)
    with pytest.raises(ScoringError, match="chưa nộp"):
        phases.reopen_scorecard(draft, "Lý do bất kỳ", by=scoring.secretariat)
