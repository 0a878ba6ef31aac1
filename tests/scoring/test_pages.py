"""Every page of the feature opens for the roles that use it and refuses the others."""

import pytest

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.scoring import assignments, rounds
from tests.scoring.conftest import full_marks

ROUND_PAGES = ["", "/mo-hinh", "/tieu-chi", "/hoi-dong", "/tien-do", "/xep-hang", "/cai-dat"]


@pytest.mark.parametrize("suffix", ROUND_PAGES)
@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ADMIN, Role.OBSERVER])
def test_round_pages_open_for_readers(client, login_as, province, suffix, role):
    assignments.auto_assign(province.round, 2)
    rounds.start_scoring(province.round)
    db.session.commit()
    login_as(role)
    response = client.get(f"/dot-danh-gia/{province.round.id}{suffix}")
    if suffix == "/cai-dat" and role is Role.OBSERVER:
        assert response.status_code == 403
    else:
        assert response.status_code == 200, response.data[:2000]
        assert province.round.name in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.STAFF, Role.EVALUATOR])
def test_round_pages_refuse_staff_and_evaluators(client, login_as, province, role):
    login_as(role)
    for suffix in ROUND_PAGES:
        assert client.get(f"/dot-danh-gia/{province.round.id}{suffix}").status_code == 403
    assert client.get("/dot-danh-gia/").status_code == 403


def test_round_list_and_create(client, login_as, province):
    login_as(Role.SECRETARIAT)
    assert "Đợt 2026" in client.get("/dot-danh-gia/").get_data(as_text=True)
    assert client.get("/dot-danh-gia/moi").status_code == 200
    response = client.post(
        "/dot-danh-gia/moi",
        data={"name": "Đợt bổ sung 2026", "year": 2026, "aggregation": "trimmed_mean", "min_scorecards": 3,
              "disagreement_threshold": "15", "is_blind": "y", "grade_excellent_min": "90",
              "grade_good_min": "75", "grade_fair_min": "60", "scope_unit_id": 0, "scope_unit_kind": "",
              "scope_field": "", "include_eligible": "y"},
    )
    assert response.status_code == 302
    from sqlalchemy import select

    from danvankheo.scoring.models import AggregationMethod, Round

    created = db.session.scalar(select(Round).where(Round.name == "Đợt bổ sung 2026"))
    assert created.aggregation is AggregationMethod.TRIMMED_MEAN
    assert created.disagreement_threshold == 15
    assert rounds.entry_count(created) == 4
    assert [c.code for c in created.criteria] == ["TC1", "TC2", "TC3", "TC4", "TC5"]
    assert sum(c.max_score for c in created.criteria) == 100


def test_evaluator_pages(client, login_as, province):
    assignments.auto_assign(province.round, 2)
    rounds.start_scoring(province.round)
    db.session.commit()
    evaluator = province.evaluators["commune"]
    login_as(evaluator)
    page = client.get("/cham-diem/").get_data(as_text=True)
    assert "Tư pháp gần dân" in page
    assert "Dân vận ở thôn bản" not in page  # own unit: never assigned
    model = province.models["justice"]
    response = client.get(f"/cham-diem/{province.round.id}/{model.id}")
    assert response.status_code == 200
    assert "Tính mới, sáng tạo" in response.get_data(as_text=True)
    response = client.post(f"/cham-diem/{province.round.id}/{model.id}",
                           data={**{f"score-{k}": v for k, v in full_marks(province.round, 5).items()},
                                 "comment": "Tốt", "action": "submit", "version": "0"})
    assert response.status_code == 302
    assert "Đã nộp" in client.get(f"/cham-diem/{province.round.id}/{model.id}").get_data(as_text=True)


def test_home_panels(client, login_as, province):
    assignments.auto_assign(province.round, 2)
    rounds.start_scoring(province.round)
    db.session.commit()
    login_as(province.evaluators["commune"])
    assert "Mô hình cần chấm" in client.get("/trang-chu").get_data(as_text=True)
