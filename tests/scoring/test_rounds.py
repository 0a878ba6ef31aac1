"""Round lifecycle: eligible models, frozen rubric, grade thresholds, finalisation, reopening,
results for units, notifications and audit."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from danvankheo.audit.models import AuditEvent
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.registry.models import Field, Status
from danvankheo.scoring import assignments, rounds, rubric, scorecards, standings
from danvankheo.scoring.errors import ScoringError
from danvankheo.scoring.models import Assignment, RoundEntry, RoundEvent, RoundState, Score, Scorecard
from danvankheo.scoring.ranking import compute_ranking, ranking_for
from danvankheo.scoring.snapshots import RankingSnapshot
from danvankheo.units.models import UnitKind
from tests.factories import make_initiative, make_user
from tests.scoring.conftest import build_province, full_marks


def _score_everything(p, minus_by_evaluator=None):
    for a in db.session.scalars(select(Assignment)):
        minus = (minus_by_evaluator or {}).get(a.evaluator_id, 0)
        scorecards.save_scorecard(p.round, a.initiative, a.evaluator, full_marks(p.round, minus),
                                  comment=f"Nhận xét của {a.evaluator.full_name}", submit=True)


def test_round_covers_accepted_models_of_its_year(app, province):
    ids = set(db.session.scalars(select(RoundEntry.initiative_id)))
    assert ids == {m.id for m in province.models.values()}


def test_scope_narrows_by_unit_subtree_kind_and_field(app, province):
    by_subtree = rounds.create_round(rounds.RoundSettings(name="Khối y tế", year=2026,
                                                          scope_unit_id=province.health.id))
    assert set(db.session.scalars(select(RoundEntry.initiative_id).where(RoundEntry.round_id == by_subtree.id))) == {
        province.models["health"].id, province.models["hospital"].id}
    by_kind = rounds.create_round(rounds.RoundSettings(name="Khối xã", year=2026, scope_unit_kind=UnitKind.COMMUNE))
    assert rounds.entry_count(by_kind) == 1
    make_initiative(province.commune, name="Kinh tế", status=Status.ACCEPTED, field=Field.ECONOMY)
    by_field = rounds.create_round(rounds.RoundSettings(name="Kinh tế", year=2026, scope_field=Field.ECONOMY))
    assert rounds.entry_count(by_field) == 1


def test_models_can_change_only_in_draft(app, province):
    round_ = province.round
    late = make_initiative(province.commune, name="Bổ sung", status=Status.ACCEPTED)
    assert rounds.count_eligible(round_) == 1
    rounds.add_entries(round_, [late.id])
    rounds.remove_entries(round_, [late.id])
    with pytest.raises(ScoringError):
        rounds.add_entries(round_, [make_initiative(province.commune, status=Status.DRAFT).id])
    rounds.start_scoring(round_)
    # A model accepted late may still join a round being scored (tests/scoring/test_second_rounds.py),
    # but nothing leaves it and "add all" is for preparation only.
    with pytest.raises(ScoringError, match="đang chuẩn bị"):
        rounds.remove_entries(round_, [province.models["commune"].id])
    with pytest.raises(ScoringError, match="đang chuẩn bị"):
        rounds.add_all_eligible(round_)
    rounds.close_scoring(round_)
    with pytest.raises(ScoringError, match="đang chuẩn bị hoặc đang chấm"):
        rounds.add_entries(round_, [late.id])


def test_rubric_edits_in_draft_then_frozen(app, province):
    round_ = province.round
    criterion = round_.criteria[0]
    rubric.update_criterion(criterion, code="TC1", name="Tính mới", guidance="", max_score=Decimal("25"),
                            is_tiebreaker=True)
    assert [c.code for c in round_.criteria if c.is_tiebreaker] == ["TC1"]  # one tie-breaker only
    added = rubric.add_criterion(round_, code="TC6", name="Ứng dụng công nghệ", guidance="", max_score=Decimal(5))
    with pytest.raises(ScoringError, match="đã có"):
        rubric.add_criterion(round_, code="tc6", name="Trùng", guidance="", max_score=Decimal(5))
    with pytest.raises(ScoringError, match="bước 0,5"):
        rubric.add_criterion(round_, code="TC7", name="Lẻ", guidance="", max_score=Decimal("2.25"))
    rubric.move_criterion(added, -1)
    assert [c.code for c in round_.criteria][-2:] == ["TC6", "TC5"]
    rubric.delete_criterion(added)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action.like("rubric.%"))) == 4
    rounds.start_scoring(round_)
    for attempt in (
        lambda: rubric.update_criterion(criterion, code="TC1", name="X", guidance="", max_score=Decimal(20),
                                        is_tiebreaker=False),
        lambda: rubric.add_criterion(round_, code="TC9", name="X", guidance="", max_score=Decimal(5)),
        lambda: rubric.delete_criterion(criterion),
    ):
        with pytest.raises(ScoringError, match="cố định"):
            attempt()


def test_grade_thresholds_are_per_round(app, province):
    round_ = province.round
    settings = rounds.RoundSettings(name=round_.name, year=2026, min_scorecards=2, grade_excellent_min=Decimal(99),
                                    grade_good_min=Decimal(95), grade_fair_min=Decimal(50))
    rounds.update_round(round_, settings)
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    _score_everything(province, {province.evaluators["commune"].id: 4})
    grades = {row.total: row.grade.label for row in compute_ranking(round_)}
    assert grades[Decimal("100.00")] == "Xuất sắc"
    assert grades[Decimal("98.00")] == "Tốt"
    with pytest.raises(ScoringError, match="giảm dần"):
        rounds.update_round(round_, rounds.RoundSettings(name="x", year=2026, grade_excellent_min=Decimal(50),
                                                         grade_good_min=Decimal(75)))


def test_finalisation_freezes_scores_and_the_ranking(app, province):
    round_ = province.round
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    _score_everything(province, {province.evaluators["commune"].id: 10})
    with pytest.raises(ScoringError, match="khóa chấm"):
        rounds.finalise(round_)
    rounds.close_scoring(round_)
    snapshot = rounds.finalise(round_, by=province.secretariat)
    db.session.commit()
    before = [(r.initiative_id, r.rank, r.total, r.grade) for r in ranking_for(round_)]
    assert len(before) == 4 and snapshot.rows

    # Scorecards are frozen...
    a = db.session.scalars(select(Assignment)).first()
    with pytest.raises(ScoringError):
        scorecards.save_scorecard(round_, a.initiative, a.evaluator, full_marks(round_, 15), submit=True)
    # ...and even changes made behind the application's back leave the published ranking alone.
    db.session.execute(Score.__table__.update().values(value=0))
    db.session.execute(Scorecard.__table__.update().values(total=0))
    province.models["justice"].set_name("Đổi tên sau khi công bố")
    db.session.commit()
    assert [(r.initiative_id, r.rank, r.total, r.grade) for r in ranking_for(round_)] == before
    assert "Đổi tên" not in {r.name for r in ranking_for(round_)}
    # The live computation did change, once the standing is rebuilt from the raw rows (edits
    # behind the application's back bypass the services that keep it).
    assert standings.rebuild(round_) > 0
    assert all(r.total == 0 for r in compute_ranking(round_))


def test_only_an_admin_reopens_and_only_with_a_reason(client, login_as, province):
    round_ = province.round
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    rounds.close_scoring(round_)
    rounds.finalise(round_)
    db.session.commit()
    with pytest.raises(ScoringError, match="quản trị"):
        rounds.reopen_finalised(round_, "Sai sót số liệu", by=province.secretariat)
    login_as(province.secretariat)
    assert client.post(f"/dot-danh-gia/{round_.id}/mo-lai-ket-qua", data={"reason": "Sai sót"}).status_code == 403
    client.post("/dang-xuat")
    admin = login_as(Role.ADMIN)
    client.post(f"/dot-danh-gia/{round_.id}/mo-lai-ket-qua", data={"reason": ""})
    db.session.refresh(round_)
    assert round_.state is RoundState.FINALISED
    client.post(f"/dot-danh-gia/{round_.id}/mo-lai-ket-qua", data={"reason": "Phát hiện nhầm điểm ở mô hình số 2"})
    db.session.refresh(round_)
    assert round_.state is RoundState.CLOSED
    event = db.session.scalar(select(RoundEvent).where(RoundEvent.to_state == RoundState.CLOSED,
                                                       RoundEvent.from_state == RoundState.FINALISED))
    assert event.reason == "Phát hiện nhầm điểm ở mô hình số 2" and event.actor_id == admin.id
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.reopen"))
    assert audit.reason == "Phát hiện nhầm điểm ở mô hình số 2"
    page = client.get(f"/dot-danh-gia/{round_.id}").get_data(as_text=True)
    assert "Phát hiện nhầm điểm" in page
    # Re-finalising stores a new snapshot; the latest is the result.
    rounds.finalise(round_)
    assert db.session.scalar(select(func.count()).select_from(RankingSnapshot)) == 2


def test_results_reach_units_only_after_finalisation(client, login_as, province):
    round_ = province.round
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    _score_everything(province)
    staff = make_user(Role.STAFF, unit=province.justice, full_name="Lê Minh Đức")
    db.session.commit()
    login_as(staff)
    assert "Chưa có kết quả" in client.get("/cham-diem/ket-qua").get_data(as_text=True)
    rounds.close_scoring(round_)
    assert "Chưa có kết quả" in client.get("/cham-diem/ket-qua").get_data(as_text=True)
    rounds.finalise(round_)
    db.session.commit()
    page = client.get("/cham-diem/ket-qua").get_data(as_text=True)
    assert "Tư pháp gần dân" in page and "Xuất sắc" in page and "100,00" in page
    assert "Khám bệnh lưu động" not in page  # another unit's model
    assert "Nhận xét của" in page  # comments are shown...
    for evaluator in province.evaluators.values():  # ...without who wrote them, beyond the comment text
        assert f">{evaluator.full_name}<" not in page
    home = client.get("/trang-chu").get_data(as_text=True)
    assert "Xem kết quả và nhận xét" in home and "Tư pháp gần dân" in home
    note = db.session.scalar(select(Notification).where(Notification.user_id == staff.id))
    assert note.kind == "scoring.finalised"
    other_staff = make_user(Role.STAFF, unit=make_user(Role.STAFF).unit)
    assert not db.session.scalar(select(func.count()).where(Notification.user_id == other_staff.id))


def test_evaluators_are_told_of_their_assignments(app, province):
    assignments.auto_assign(province.round, 2)
    assert not db.session.scalar(select(func.count()).select_from(Notification))  # draft: not yet
    rounds.start_scoring(province.round)
    notes = db.session.scalars(select(Notification).where(Notification.kind == "scoring.assigned")).all()
    assert {n.user_id for n in notes} == {e.id for e in province.evaluators.values()}
    assert all("/cham-diem/" in n.link for n in notes)


def test_state_changes_are_audited(app, province):
    round_ = province.round
    rounds.start_scoring(round_)
    rounds.close_scoring(round_)
    rounds.reopen_scoring(round_)
    rounds.close_scoring(round_)
    rounds.finalise(round_)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("round.%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["round.create", "round.entries_add", "round.start", "round.close", "round.reopen_scoring",
                       "round.close", "round.finalise"]


def test_secretariat_steps_through_the_pages(client, login_as, app):
    p = build_province()
    db.session.commit()
    login_as(p.secretariat)
    rid = p.round.id
    client.post(f"/dot-danh-gia/{rid}/phan-cong-tu-dong", data={"k": 2})
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 8
    client.post(f"/dot-danh-gia/{rid}/bat-dau")
    db.session.refresh(p.round)
    assert p.round.state is RoundState.SCORING
    client.post(f"/dot-danh-gia/{rid}/khoa-cham")
    client.post(f"/dot-danh-gia/{rid}/cong-bo")
    db.session.refresh(p.round)
    assert p.round.state is RoundState.FINALISED
    assert "lưu cố định" in client.get(f"/dot-danh-gia/{rid}/xep-hang").get_data(as_text=True)
