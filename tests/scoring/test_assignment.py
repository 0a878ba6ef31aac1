"""Panel, manual and automatic assignment, conflicts of interest, recusal."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from danvankheo.audit.models import AuditEvent
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.errors import ConflictOfInterest, ScoringError
from danvankheo.scoring.models import Assignment, AssignmentStatus, Scorecard
from tests.factories import make_user
from tests.scoring.conftest import full_marks

# --- The balance property of the planner (pure) -----------------------------------------------


def _loads(pairs, evaluators, base=None):
    load = {e: (base or {}).get(e, 0) for e, _ in evaluators}
    for _m, e in pairs:
        load[e] += 1
    return load


@given(st.integers(1, 40), st.integers(1, 8), st.data())
def test_balance_without_conflicts(n_models, n_evaluators, data):
    k = data.draw(st.integers(1, n_evaluators))
    models = [(m, f"/1/{100 + m}/") for m in range(n_models)]
    evaluators = [(e, f"/1/{500 + e}/") for e in range(n_evaluators)]
    pairs = assignments.plan_assignments(models, evaluators, k)
    load = _loads(pairs, evaluators)
    assert max(load.values()) - min(load.values()) <= 1  # nobody has more than one model above anyone
    per_model = {m: sum(1 for pm, _ in pairs if pm == m) for m, _ in models}
    assert set(per_model.values()) == {k}
    assert len(set(pairs)) == len(pairs)


@settings(max_examples=150)
@given(st.integers(1, 30), st.integers(2, 7), st.data())
def test_balance_with_conflicts_is_as_even_as_conflicts_allow(n_models, n_units, data):
    """Units form a tree of depth 2; an evaluator can never take a model of their own subtree.

    Each model gets as many evaluators as it can (up to k). No evaluator ends with two or more
    models above another evaluator who could have taken one of them.
    """
    parent = {u: data.draw(st.sampled_from([None, *range(u)])) if u else None for u in range(n_units)}

    def path(u):
        return (path(parent[u]) if parent[u] is not None else "/") + f"{u}/"

    models = [(m, path(data.draw(st.integers(0, n_units - 1)))) for m in range(n_models)]
    evaluators = [(e, path(data.draw(st.integers(0, n_units - 1)))) for e in range(data.draw(st.integers(1, 6)))]
    k = data.draw(st.integers(1, len(evaluators)))
    pairs = assignments.plan_assignments(models, evaluators, k)
    paths = dict(evaluators)
    model_paths = dict(models)
    for m, e in pairs:
        assert not model_paths[m].startswith(paths[e]), "conflict of interest"
    for m, mp in models:
        eligible = sum(1 for _e, ep in evaluators if not mp.startswith(ep))
        assert sum(1 for pm, _ in pairs if pm == m) == min(k, eligible)
    load = _loads(pairs, evaluators)
    taken = set(pairs)
    for high, _ in evaluators:
        for low, low_path in evaluators:
            if load[high] - load[low] >= 2:
                movable = [m for m, e in pairs if e == high and (m, low) not in taken
                           and not model_paths[m].startswith(low_path)]
                assert not movable, f"{high} has {load[high]}, {low} has {load[low]} and could take {movable}"


def test_planner_counts_existing_load_and_pairs():
    models = [(1, "/9/1/"), (2, "/9/2/")]
    evaluators = [(10, "/8/"), (11, "/7/")]
    pairs = assignments.plan_assignments(
        models, evaluators, 1, taken={(1, 10)}, active_counts={1: 1}, loads={10: 1}
    )
    assert pairs == [(2, 11)]


# --- Through the services and the database ------------------------------------------------------


def test_auto_assign_never_gives_own_or_lower_unit(app, province):
    created = assignments.auto_assign(province.round, 2)
    db.session.commit()
    rows = db.session.scalars(select(Assignment)).all()
    assert created == len(rows) == 8
    for a in rows:
        assert not a.initiative.unit.is_within(a.evaluator.unit)
    health = province.evaluators["health"]
    assert {a.initiative_id for a in rows if a.evaluator_id == health.id} <= {
        province.models["justice"].id, province.models["commune"].id
    }
    loads = [sum(1 for a in rows if a.evaluator_id == e.id) for e in province.evaluators.values()]
    assert max(loads) - min(loads) <= 1
    # Running again adds nothing: every model already has 2.
    assert assignments.auto_assign(province.round, 2) == 0


def test_everyone_scores_everything_they_may(app, province):
    assignments.auto_assign(province.round, 3)
    per_model = dict(db.session.execute(
        select(Assignment.initiative_id, func.count()).group_by(Assignment.initiative_id)).all())
    # The hospital is below Sở Y tế: its evaluator is excluded, as for Sở Y tế's own model.
    assert per_model[province.models["hospital"].id] == 2
    assert per_model[province.models["health"].id] == 2
    assert per_model[province.models["justice"].id] == 2
    assert per_model[province.models["commune"].id] == 2


@pytest.mark.parametrize("model_key", ["health", "hospital"])
def test_manual_assignment_refuses_conflict_of_interest(app, province, model_key):
    with pytest.raises(ConflictOfInterest, match="xung đột lợi ích"):
        assignments.assign(province.round, province.models[model_key], province.evaluators["health"])
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_manual_assignment_route_refuses_conflict(client, login_as, province):
    login_as(province.secretariat)
    model = province.models["hospital"]
    response = client.post(
        f"/dot-danh-gia/{province.round.id}/mo-hinh/{model.id}/phan-cong",
        data={"evaluator_id": province.evaluators["health"].id}, follow_redirects=True,
    )
    assert "xung đột lợi ích" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0
    # The assign form does not even offer that evaluator.
    page = client.get(f"/dot-danh-gia/{province.round.id}/mo-hinh/{model.id}").get_data(as_text=True)
    assert "Đỗ Quang Vinh" not in page


def test_database_refuses_a_conflicting_assignment(app, province):
    model = province.models["hospital"]
    evaluator = province.evaluators["health"]
    db.session.add(Assignment(
        round_id=province.round.id, initiative_id=model.id, evaluator_id=evaluator.id,
        evaluator_unit_path=evaluator.unit.path, initiative_unit_path=model.unit.path,
    ))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_manual_assign_and_duplicate(app, province):
    model = province.models["commune"]
    assignments.assign(province.round, model, province.evaluators["justice"])
    with pytest.raises(ScoringError, match="đã được phân công"):
        assignments.assign(province.round, model, province.evaluators["justice"])
    outsider = make_user(Role.EVALUATOR)
    with pytest.raises(ScoringError, match="chưa có trong hội đồng"):
        assignments.assign(province.round, model, outsider)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "assignment.create")) == 1


def test_recusal_is_seen_by_the_secretariat_who_reassigns(client, login_as, province):
    round_ = province.round
    assignments.assign(round_, province.models["commune"], province.evaluators["justice"])
    rounds.start_scoring(round_)
    db.session.commit()
    evaluator = province.evaluators["justice"]
    login_as(evaluator)
    model = province.models["commune"]
    client.post(f"/cham-diem/{round_.id}/{model.id}", data={**{f"score-{k}": v for k, v in full_marks(round_).items()}, "action": "draft", "version": "0"})
    response = client.post(f"/cham-diem/{round_.id}/{model.id}/tu-choi", data={"reason": "Tôi có người thân ở xã này"})
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    db.session.refresh(assignment)
    assert assignment.status is AssignmentStatus.RECUSED
    assert db.session.scalar(select(func.count()).select_from(Scorecard)) == 0  # the draft is gone
    note = db.session.scalar(select(Notification).where(Notification.user_id == province.secretariat.id))
    assert "từ chối chấm" in note.title
    # Recused: the evaluator can no longer save a scorecard.
    response = client.post(f"/cham-diem/{round_.id}/{model.id}",
                           data={**{f"score-{k}": v for k, v in full_marks(round_).items()}, "action": "submit", "version": "0"},
                           follow_redirects=True)
    assert "đã từ chối chấm" in response.get_data(as_text=True)

    client.post("/dang-xuat")
    login_as(province.secretariat)
    overview = client.get(f"/dot-danh-gia/{round_.id}").get_data(as_text=True)
    assert "Tôi có người thân ở xã này" in overview and "Phân công lại" in overview
    response = client.post(f"/dot-danh-gia/{round_.id}/mo-hinh/{model.id}/phan-cong",
                           data={"evaluator_id": province.evaluators["health"].id}, follow_redirects=True)
    assert "Đã phân công" in response.get_data(as_text=True)
    active = db.session.scalar(select(func.count()).where(
        Assignment.initiative_id == model.id, Assignment.status == AssignmentStatus.ASSIGNED))
    assert active == 1
    # The evaluator who recused cannot be put back on the same model.
    with pytest.raises(ScoringError, match="đã từ chối"):
        assignments.assign(round_, model, evaluator)


def test_recusal_needs_a_reason(app, province):
    a = assignments.assign(province.round, province.models["commune"], province.evaluators["justice"])
    with pytest.raises(ScoringError, match="lý do"):
        assignments.recuse(a, "  ", by=province.evaluators["justice"])


def test_panel_member_with_submitted_card_cannot_leave(app, province):
    round_ = province.round
    assignments.assign(round_, province.models["commune"], province.evaluators["justice"])
    rounds.start_scoring(round_)
    scorecards.save_scorecard(round_, province.models["commune"], province.evaluators["justice"],
                              full_marks(round_), submit=True)
    with pytest.raises(ScoringError, match="đã nộp phiếu"):
        assignments.set_panel(round_, [province.evaluators["health"]])
    assert Decimal(0) < db.session.scalar(select(Scorecard.total))


def test_auto_assign_leaves_a_model_short_rather_than_break_the_conflict_rule(app, province):
    assignments.set_panel(province.round, [province.evaluators["health"]])
    created = assignments.auto_assign(province.round, 1)
    assigned = set(db.session.scalars(select(Assignment.initiative_id)))
    assert created == 2
    assert assigned == {province.models["justice"].id, province.models["commune"].id}
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.auto"))
    assert audit.changes["short"] == [None, 2]  # Sở Y tế and its hospital have nobody yet


def test_panel_changes_are_recorded_with_the_members_names(app, province):
    assignments.set_panel(province.round, [province.evaluators["health"]], by=province.secretariat)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "panel.update").order_by(AuditEvent.id.desc())
    ).first()
    # Before and after, by name in Vietnamese order (Đ after D, H after Đ, V last).
    assert event.changes["panel"] == [["Đỗ Quang Vinh", "Hoàng Văn Bình", "Vũ Thị Ánh"], ["Đỗ Quang Vinh"]]
