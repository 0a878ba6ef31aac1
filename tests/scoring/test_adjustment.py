"""Scores adjusted for each evaluator's severity: the method by hand, both ranks on the page,
grade changes flagged, the secretariat's choice (audited, frozen at finalisation, printed on
the export)."""

from __future__ import annotations

import io
import statistics
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.scoring import adjustment, assignments, rounds, scorecards
from danvankheo.scoring.adjustment import adjusted_scores, adjusted_totals
from danvankheo.scoring.models import Grade, RankingBasis
from danvankheo.scoring.ranking import ranking_for
from danvankheo.units.models import UnitKind
from tests.factories import make_initiative, make_unit, make_user

D = Decimal
# Four members; the fourth scores 20 below the others. Each model is scored by two members.
DESIGN = {  # model: {member: total}
    1: {1: 90, 4: 70}, 2: {2: 85, 4: 65}, 3: {3: 80, 4: 60},
    4: {1: 88, 2: 88}, 5: {2: 78, 3: 78}, 6: {1: 76, 3: 76},
}


def _decimal_design() -> dict[int, dict[int, Decimal]]:
    return {m: {e: D(t) for e, t in totals.items()} for m, totals in DESIGN.items()}


def test_method_by_hand_with_the_statistics_module():
    every = [t for totals in DESIGN.values() for t in totals.values()]
    round_mean, round_sd = statistics.mean(every), statistics.pstdev(every)
    harsh = [70, 65, 60]
    expected_harsh_on_1 = round_mean + (70 - statistics.mean(harsh)) / statistics.pstdev(harsh) * round_sd
    adjusted = adjusted_totals(_decimal_design(), max_total=D(100))
    assert float(adjusted[1][4]) == pytest.approx(expected_harsh_on_1, abs=1e-9)
    assert float(adjusted[2][4]) == pytest.approx(round_mean)  # the harsh member's own mean → the round's
    scores = adjusted_scores(_decimal_design(), "mean", max_total=D(100))
    member1 = [90, 88, 76]
    expected_1 = (expected_harsh_on_1
                  + round_mean + (90 - statistics.mean(member1)) / statistics.pstdev(member1) * round_sd) / 2
    assert scores[1] == D(str(round(expected_1, 2)))


def test_members_with_fewer_than_three_models_or_no_spread_are_not_adjusted():
    totals = {1: {1: D(50), 2: D(90)}, 2: {1: D(60), 3: D(70)}, 3: {3: D(70), 2: D(80)}, 4: {3: D(70)}}
    adjusted = adjusted_totals(totals, max_total=D(100))
    assert adjusted[1][1] == D(50) and adjusted[2][1] == D(60)  # member 1: two models only
    assert adjusted[2][3] == D(70) and adjusted[4][3] == D(70)  # member 3: always 70
    # Kept within 0 and the rubric's maximum.
    lifted = adjusted_totals({1: {1: D(99)}, 2: {1: D(10)}, 3: {1: D(11)}, 4: {2: D(99)}}, max_total=D(100))
    assert all(D(0) <= v <= D(100) for model in lifted.values() for v in model.values())


@pytest.fixture
def harsh_round(app):
    province = make_unit("UBND tỉnh", code="NB", kind=UnitKind.PROVINCE)
    units = [make_unit(f"Sở số {n}", code=f"S{n}", parent=province) for n in range(1, 7)]
    models = {n: make_initiative(units[n - 1], name=f"Mô hình {n}", status=Status.ACCEPTED) for n in range(1, 7)}
    council = make_unit("Ban Dân vận", code="BDV", kind=UnitKind.OTHER)
    members = {n: make_user(Role.EVALUATOR, unit=council, full_name=f"Thành viên {n}") for n in range(1, 5)}
    secretariat = make_user(Role.SECRETARIAT, unit=council)
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt hiệu chỉnh", year=2026, min_scorecards=2))
    assignments.set_panel(round_, list(members.values()))
    for model, totals in DESIGN.items():
        for member in totals:
            assignments.assign(round_, models[model], members[member], notify_evaluator=False)
    rounds.start_scoring(round_)
    for model, totals in DESIGN.items():
        for member, total in totals.items():
            scorecards.save_scorecard(round_, models[model], members[member], _summing_to(round_, total), submit=True)
    rounds.close_scoring(round_)
    db.session.commit()
    return round_, models, secretariat


def _summing_to(round_, total) -> dict[int, str]:
    remaining, values = D(total), {}
    for criterion in round_.criteria:
        values[criterion.id] = str(min(criterion.max_score, remaining))
        remaining -= min(criterion.max_score, remaining)
    return values


def test_both_ranks_and_grade_changes(harsh_round):
    round_, models, _ = harsh_round
    rows = {row.initiative_id: row for row in ranking_for(round_)}
    m = {n: rows[models[n].id] for n in models}
    # Raw: 88 (4), 80 (1), 78 (5), 76 (6), 75 (2), 70 (3).
    assert [m[n].rank for n in (4, 1, 5, 6, 2, 3)] == [1, 2, 3, 4, 5, 6]
    assert m[1].total == D("80.00") and m[1].raw_total == D("80.00")
    expected = adjusted_scores(_decimal_design(), "mean", max_total=D(100))
    assert {n: m[n].adjusted_total for n in models} == expected
    assert m[1].adjusted_rank == 1 and m[4].adjusted_rank == 2  # the harsh member's model moves up
    # Model 3: Khá raw (70) but Tốt adjusted; model 6 the other way: flagged, model 4 not.
    assert (m[3].raw_grade, m[3].adjusted_grade) == (Grade.FAIR, Grade.GOOD)
    assert adjustment.FLAG_GRADE_CHANGE in m[3].flags and adjustment.FLAG_GRADE_CHANGE in m[6].flags
    assert adjustment.FLAG_GRADE_CHANGE not in m[4].flags


def test_secretariat_chooses_the_adjusted_score_frozen_and_printed(client, login_as, harsh_round):
    round_, models, secretariat = harsh_round
    login_as(secretariat)
    page = client.get(f"/dot-danh-gia/{round_.id}/xep-hang").get_data(as_text=True)
    assert 'data-testid="ranking-basis-label">Điểm gốc<' in page
    assert "Hạng hiệu chỉnh" in page and "Xếp loại đổi: Khá → Tốt" in page

    response = client.post(f"/dot-danh-gia/{round_.id}/can-cu-xep-hang", data={"basis": "adjusted"},
                           follow_redirects=True)
    assert "xếp hạng theo: điểm hiệu chỉnh theo mức chấm" in response.get_data(as_text=True)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.ranking_basis")).one()
    assert event.changes == {"ranking_basis": ["raw", "adjusted"]} and event.actor_id == secretariat.id
    rows = ranking_for(round_)
    assert [row.initiative_id for row in rows[:2]] == [models[1].id, models[4].id]
    assert rows[0].rank == 1 and rows[0].raw_rank == 2 and rows[0].total == rows[0].adjusted_total

    rounds.finalise(round_, by=secretariat)
    db.session.commit()
    # Frozen: the choice is in the snapshot and cannot change any more.
    with pytest.raises(adjustment.AdjustmentError):
        adjustment.set_ranking_basis(round_, RankingBasis.RAW, by=secretariat)
    db.session.rollback()
    frozen = ranking_for(round_)
    assert frozen[0].initiative_id == models[1].id and frozen[0].raw_rank == 2 and frozen[0].adjusted_rank == 1
    page = client.get(f"/dot-danh-gia/{round_.id}/xep-hang").get_data(as_text=True)
    assert 'data-testid="ranking-basis-label">Điểm hiệu chỉnh theo mức chấm<' in page
    assert 'data-testid="ranking-basis-form"' not in page and "Hạng gốc" in page
    refused = client.post(f"/dot-danh-gia/{round_.id}/can-cu-xep-hang", data={"basis": "raw"}, follow_redirects=True)
    assert "Kết quả đã công bố: không đổi được cách xếp hạng" in refused.get_data(as_text=True)

    workbook = load_workbook(io.BytesIO(client.get(f"/xuat-excel/dot-danh-gia/{round_.id}/xep-hang").data))
    texts = [str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert "Xếp hạng theo: điểm hiệu chỉnh theo mức chấm" in texts
    assert any("Xếp loại đổi khi hiệu chỉnh theo mức chấm (Khá → Tốt)" in t for t in texts)


def test_a_wrong_choice_is_refused_in_vietnamese(client, login_as, harsh_round):
    round_, _models, secretariat = harsh_round
    login_as(secretariat)
    response = client.post(f"/dot-danh-gia/{round_.id}/can-cu-xep-hang", data={"basis": "x"}, follow_redirects=True)
    assert "Vui lòng chọn xếp hạng theo điểm gốc hoặc điểm hiệu chỉnh." in response.get_data(as_text=True)
    db.session.refresh(round_)
    assert round_.ranking_basis is RankingBasis.RAW
