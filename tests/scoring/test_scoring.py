"""The scoring form and service: ranges, steps, one scorecard, revisions, blind visibility."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from danvankheo.audit.models import AuditEvent
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.errors import ConflictOfInterest, ScoreValidationError, ScoringError
from danvankheo.scoring.models import Score, Scorecard, ScorecardState
from tests.scoring.conftest import full_marks


@pytest.fixture
def scoring(province):
    """Everyone eligible assigned, the round open for scoring."""
    assignments.auto_assign(province.round, 2)
    rounds.start_scoring(province.round)
    db.session.commit()
    return province


def _form(round_, values, action="submit", comment="", version=0):
    """The scoring form as posted; `version` is the scorecard version the page showed."""
    return {**{f"score-{k}": v for k, v in values.items()}, "action": action, "comment": comment,
            "version": str(version)}


def _url(p, key):
    return f"/cham-diem/{p.round.id}/{p.models[key].id}"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("21", "Điểm phải từ 0 đến 20."),
        ("-1", "Điểm phải từ 0 đến 20."),
        ("7.3", "Điểm chấm theo bước 0,5"),
        ("mười", "Không phải là số"),
        ("2,5,5", "Chỉ dùng một dấu phẩy"),
        ("", "Vui lòng nhập điểm tiêu chí này trước khi nộp phiếu."),
    ],
)
def test_score_range_and_step_are_validated_on_the_server(client, login_as, scoring, typed, message):
    login_as(scoring.evaluators["commune"])
    values = full_marks(scoring.round)
    first = scoring.round.criteria[0]
    values[first.id] = typed
    response = client.post(_url(scoring, "justice"), data=_form(scoring.round, values))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "is-invalid" in page
    assert db.session.scalar(select(func.count()).select_from(Scorecard)) == 0


def test_decimal_comma_and_half_points_are_accepted(app, scoring):
    values = full_marks(scoring.round)
    values[scoring.round.criteria[0].id] = "17,5"
    card = scorecards.save_scorecard(scoring.round, scoring.models["justice"], scoring.evaluators["commune"],
                                     values, submit=True)
    assert card.total == Decimal("97.5")


def test_draft_may_be_incomplete_then_submit(client, login_as, scoring):
    evaluator = scoring.evaluators["commune"]
    login_as(evaluator)
    first = scoring.round.criteria[0]
    response = client.post(_url(scoring, "justice"), data=_form(scoring.round, {first.id: "15"}, "draft"))
    assert response.status_code == 302
    card = db.session.scalar(select(Scorecard))
    assert card.state is ScorecardState.DRAFT and card.total == 15
    client.post(_url(scoring, "justice"), data=_form(scoring.round, full_marks(scoring.round, 3), comment="Rất thiết thực",
                                                     version=1))
    db.session.expire_all()
    card = db.session.scalar(select(Scorecard))
    assert card.state is ScorecardState.SUBMITTED and card.total == 97 and card.submitted_at
    assert card.comment == "Rất thiết thực"
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "scorecard.submit")) == 1


def test_double_submitted_form_never_duplicates(client, login_as, scoring):
    login_as(scoring.evaluators["commune"])
    for _ in range(3):
        client.post(_url(scoring, "justice"), data=_form(scoring.round, full_marks(scoring.round)))
    assert db.session.scalar(select(func.count()).select_from(Scorecard)) == 1
    assert db.session.scalar(select(func.count()).select_from(Score)) == len(scoring.round.criteria)


def test_unique_constraints_hold_in_the_database(app, scoring):
    card = scorecards.save_scorecard(scoring.round, scoring.models["justice"], scoring.evaluators["commune"],
                                     full_marks(scoring.round), submit=True)
    db.session.commit()
    criterion = scoring.round.criteria[0]
    db.session.add(Score(scorecard_id=card.id, criterion_id=criterion.id, max_score=criterion.max_score,
                         value=Decimal(1)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Scorecard(round_id=card.round_id, initiative_id=card.initiative_id,
                             evaluator_id=card.evaluator_id, total=0, comment=""))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("value", ["20.5", "-0.5", "7.25"])
def test_database_refuses_scores_out_of_range_or_step(app, scoring, value):
    card = scorecards.save_scorecard(scoring.round, scoring.models["justice"], scoring.evaluators["commune"],
                                     {}, submit=False)
    db.session.commit()
    criterion = scoring.round.criteria[0]  # maximum 20
    # Past the service, straight into the table: the CHECK constraints refuse it.
    db.session.add(Score(scorecard_id=card.id, criterion_id=criterion.id, max_score=criterion.max_score,
                         value=Decimal(value)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_direct_post_on_own_unit_model_is_refused(client, login_as, scoring):
    evaluator = scoring.evaluators["health"]
    login_as(evaluator)
    for key in ("health", "hospital"):  # own unit, and a unit below it
        response = client.get(_url(scoring, key))
        assert response.status_code == 403
        assert "không được chấm mô hình của đơn vị mình" in response.get_data(as_text=True)
        response = client.post(_url(scoring, key), data=_form(scoring.round, full_marks(scoring.round)))
        assert response.status_code == 403
    with pytest.raises(ConflictOfInterest):
        scorecards.save_scorecard(scoring.round, scoring.models["hospital"], evaluator, full_marks(scoring.round),
                                  submit=True)
    assert db.session.scalar(select(func.count()).select_from(Scorecard)) == 0


def test_unassigned_model_is_refused(client, login_as, scoring):
    from danvankheo.scoring.models import Assignment

    evaluator = scoring.evaluators["justice"]
    other = scoring.models["commune"]
    assignments.unassign(db.session.scalar(select(Assignment).where(
        Assignment.evaluator_id == evaluator.id, Assignment.initiative_id == other.id)))
    db.session.commit()
    login_as(evaluator)
    assert client.get(f"/cham-diem/{scoring.round.id}/{other.id}").status_code == 403
    assert client.post(f"/cham-diem/{scoring.round.id}/{other.id}",
                       data=_form(scoring.round, full_marks(scoring.round))).status_code == 403


def test_submitted_card_is_locked_until_the_secretariat_reopens_it(client, login_as, scoring):
    evaluator = scoring.evaluators["commune"]
    login_as(evaluator)
    client.post(_url(scoring, "justice"), data=_form(scoring.round, full_marks(scoring.round)))
    # Submitted: locked. A revision is refused with a message, and nothing changes.
    response = client.post(_url(scoring, "justice"), data=_form(scoring.round, full_marks(scoring.round, 10), version=1),
                           follow_redirects=True)
    assert "đã nộp và đã khóa" in response.get_data(as_text=True)
    db.session.expire_all()
    card = db.session.scalar(select(Scorecard))
    assert card.total == 100 and card.version == 1
    assert 'data-testid="card-locked"' in client.get(_url(scoring, "justice")).get_data(as_text=True)

    # The secretariat reopens it with a reason: audited, and the evaluator is told.
    from danvankheo.notifications.models import Notification

    client.post("/dang-xuat")
    login_as(scoring.secretariat)
    response = client.post(f"/dot-danh-gia/{scoring.round.id}/phieu/{card.id}/mo-lai", data={"reason": "Nhập nhầm TC1"})
    assert response.status_code == 302
    reopen = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "scorecard.reopen"))
    assert reopen.reason == "Nhập nhầm TC1" and reopen.actor_id == scoring.secretariat.id
    note = db.session.scalar(select(Notification).where(Notification.user_id == evaluator.id,
                                                          Notification.kind == "scoring.scorecard_reopened"))
    assert note is not None and "Nhập nhầm TC1" in note.body

    # One revision, recorded as a version with the old and new values; then locked again.
    client.post("/dang-xuat")
    login_as(evaluator)
    assert "Nhập nhầm TC1" in client.get(_url(scoring, "justice")).get_data(as_text=True)
    client.post(_url(scoring, "justice"), data=_form(scoring.round, full_marks(scoring.round, 10), version=1))
    db.session.expire_all()
    card = db.session.scalar(select(Scorecard))
    assert card.total == 90 and card.state is ScorecardState.SUBMITTED and card.version == 2
    assert not card.is_reopened
    revision = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "scorecard.revise"))
    assert [Decimal(v) for v in revision.changes["total"]] == [100, 90]
    assert revision.actor_id == evaluator.id
    response = client.post(_url(scoring, "justice"), data=_form(scoring.round, full_marks(scoring.round, 2), version=2),
                           follow_redirects=True)
    assert "đã nộp và đã khóa" in response.get_data(as_text=True)

    rounds.close_scoring(scoring.round)
    db.session.commit()
    response = client.post(_url(scoring, "justice"), data=_form(scoring.round, full_marks(scoring.round, 2), version=2),
                           follow_redirects=True)
    assert "đã khóa" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Scorecard.total)) == 90


def test_reopened_card_still_refuses_blanks(app, scoring):
    evaluator = scoring.evaluators["commune"]
    card = scorecards.save_scorecard(scoring.round, scoring.models["justice"], evaluator, full_marks(scoring.round),
                                     submit=True)
    from danvankheo.scoring import phases

    phases.reopen_scorecard(card, "Thiếu nhận xét", by=scoring.secretariat)
    values = full_marks(scoring.round)
    values[scoring.round.criteria[1].id] = ""
    with pytest.raises(ScoreValidationError):
        scorecards.save_scorecard(scoring.round, scoring.models["justice"], evaluator, values)


def test_scoring_window(app, scoring):
    round_ = scoring.round
    round_.closes_at = utcnow() - timedelta(hours=1)
    round_.opens_at = utcnow() - timedelta(days=2)
    with pytest.raises(ScoringError, match="hết thời gian"):
        scorecards.save_scorecard(round_, scoring.models["justice"], scoring.evaluators["commune"], {})
    round_.opens_at, round_.closes_at = utcnow() + timedelta(days=1), utcnow() + timedelta(days=2)
    with pytest.raises(ScoringError, match="Chưa đến"):
        scorecards.save_scorecard(round_, scoring.models["justice"], scoring.evaluators["commune"], {})


def test_blind_bypass_submit_zeros_see_others_revise_is_refused(client, login_as, scoring):
    """The bypass: submit zeros to see the others, then revise to taste. The others stay
    hidden while the scorecard can change, and the revision is refused."""
    from danvankheo.scoring.models import Assignment

    model = scoring.models["justice"]
    a, b = db.session.scalars(select(Assignment).where(Assignment.initiative_id == model.id)).all()
    first, second = a.evaluator, b.evaluator
    scorecards.save_scorecard(scoring.round, model, first, full_marks(scoring.round, "3.5"), comment="Nhận xét A",
                              submit=True)
    db.session.commit()
    login_as(second)
    page = client.get(_url(scoring, "justice")).get_data(as_text=True)
    assert 'data-testid="others-hidden"' in page and "96,5" not in page
    zeros = {c.id: "0" for c in scoring.round.criteria}
    client.post(_url(scoring, "justice"), data=_form(scoring.round, zeros))
    page = client.get(_url(scoring, "justice")).get_data(as_text=True)
    assert 'data-testid="others-hidden"' in page and "96,5" not in page  # still blind
    response = client.post(_url(scoring, "justice"), data=_form(scoring.round, full_marks(scoring.round, "3.5"),
                                                                 version=1), follow_redirects=True)
    assert "đã nộp và đã khóa" in response.get_data(as_text=True)
    db.session.expire_all()
    assert scorecards.find_scorecard(scoring.round.id, model.id, second.id).total == 0

    # Once the window is closed the others are shown, and nothing can change any more.
    rounds.close_scoring(scoring.round)
    db.session.commit()
    page = client.get(_url(scoring, "justice")).get_data(as_text=True)
    assert "96,5" in page and "Phiếu 1" in page
    assert first.full_name not in page  # never who gave which score
    response = client.post(_url(scoring, "justice"), data=_form(scoring.round, full_marks(scoring.round, "3.5"),
                                                                 version=1), follow_redirects=True)
    db.session.expire_all()
    assert scorecards.find_scorecard(scoring.round.id, model.id, second.id).total == 0


def test_deadline_passed_shows_others(client, login_as, scoring):
    from danvankheo.scoring.models import Assignment

    model = scoring.models["justice"]
    a, b = db.session.scalars(select(Assignment).where(Assignment.initiative_id == model.id)).all()
    scorecards.save_scorecard(scoring.round, model, a.evaluator, full_marks(scoring.round, "3.5"), submit=True)
    scoring.round.closes_at = utcnow() - timedelta(minutes=1)
    scoring.round.opens_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login_as(b.evaluator)
    assert "96,5" in client.get(_url(scoring, "justice")).get_data(as_text=True)


def test_stale_form_is_refused_never_overwrites(client, login_as, scoring):
    evaluator = scoring.evaluators["commune"]
    login_as(evaluator)
    first = scoring.round.criteria[0]
    # Two tabs open on the empty card (version 0); the first saves a draft.
    client.post(_url(scoring, "justice"), data=_form(scoring.round, {first.id: "15"}, "draft", version=0))
    response = client.post(_url(scoring, "justice"), data=_form(scoring.round, {first.id: "3"}, "draft", version=0),
                           follow_redirects=True)
    assert "đã được lưu ở một cửa sổ hoặc thiết bị khác" in response.get_data(as_text=True)
    # A form without its version is refused too.
    data = _form(scoring.round, {first.id: "4"}, "draft")
    del data["version"]
    client.post(_url(scoring, "justice"), data=data)
    db.session.expire_all()
    card = db.session.scalar(select(Scorecard))
    assert card.total == 15 and card.version == 1
    assert 'name="version" value="1"' in client.get(_url(scoring, "justice")).get_data(as_text=True)


def test_open_round_shows_others_before_submitting(client, login_as, scoring):
    from danvankheo.scoring.models import Assignment

    scoring.round.is_blind = False
    model = scoring.models["justice"]
    a, b = db.session.scalars(select(Assignment).where(Assignment.initiative_id == model.id)).all()
    scorecards.save_scorecard(scoring.round, model, a.evaluator, full_marks(scoring.round, "3.5"), submit=True)
    db.session.commit()
    login_as(b.evaluator)
    assert "96,5" in client.get(_url(scoring, "justice")).get_data(as_text=True)


def test_staff_pages_never_pair_evaluators_with_scores(client, login_as, scoring):
    from danvankheo.scoring.models import Assignment

    model = scoring.models["justice"]
    a, b = db.session.scalars(select(Assignment).where(Assignment.initiative_id == model.id)).all()
    scorecards.save_scorecard(scoring.round, model, a.evaluator, full_marks(scoring.round, "3.5"), submit=True)
    scorecards.save_scorecard(scoring.round, model, b.evaluator, full_marks(scoring.round, "12"), submit=True)
    db.session.commit()
    login_as(scoring.secretariat)
    page = client.get(f"/dot-danh-gia/{scoring.round.id}/mo-hinh/{model.id}").get_data(as_text=True)
    # Names appear in the assignment list, totals in the anonymous table, never in one row.
    table = page[page.index('data-testid="anonymous-cards"'):]
    table = table[: table.index("</table>")]
    assert "96,5" in table and "88" in table
    assert a.evaluator.full_name not in table and b.evaluator.full_name not in table
    cards = scorecards.anonymous_scorecards(scoring.round, model.id)
    assert [c.label for c in cards] == ["Phiếu 1", "Phiếu 2"]
    assert not hasattr(cards[0], "evaluator_id")


def test_next_model_is_one_click_away(client, login_as, scoring):
    evaluator = scoring.evaluators["commune"]
    login_as(evaluator)
    from danvankheo.scoring.models import Assignment

    mine = db.session.scalars(select(Assignment.initiative_id).where(Assignment.evaluator_id == evaluator.id)).all()
    assert len(mine) >= 2
    page = client.get(f"/cham-diem/{scoring.round.id}/{mine[0]}").get_data(as_text=True)
    assert "Mô hình tiếp theo" in page
    for initiative_id in mine:
        client.post(f"/cham-diem/{scoring.round.id}/{initiative_id}", data=_form(scoring.round, full_marks(scoring.round)))
    page = client.get(f"/cham-diem/{scoring.round.id}/{mine[0]}").get_data(as_text=True)
    assert "Mô hình tiếp theo" not in page and "Về danh sách" in page
