"""A ceiling on each member's load in the automatic assignment, and a clear refusal when the
panel is too small for it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from danvankheo.extensions import db
from danvankheo.scoring import assignments, load_caps
from danvankheo.scoring.errors import ScoringError
from danvankheo.scoring.models import Assignment


def _assignments(round_) -> int:
    return db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.round_id == round_.id))


def test_the_arithmetic_of_the_refusal():
    assert load_caps.shortfall_message(needed=6, loads={1: 0, 2: 0, 3: 0}, cap=2, k=2, models=3) is None
    message = load_caps.shortfall_message(needed=8, loads={1: 0, 2: 0, 3: 0}, cap=2, k=2, models=4)
    assert "3 thành viên, mỗi người chấm tối đa 2 mô hình thì chỉ còn 6 lượt chấm" in message
    assert "cần thêm 8 lượt nữa để cả 4 mô hình đều có đủ 2 người chấm" in message
    assert "bổ sung ít nhất 1 thành viên" in message and "nâng mức tối đa lên 3 mô hình mỗi người" in message
    # Members already loaded have fewer free places.
    assert load_caps.smallest_cap([2, 0], needed=2) == 2 and load_caps.smallest_cap([2, 0], needed=3) == 3


def test_the_cap_is_respected_when_the_panel_suffices(province):
    round_ = province.round
    assert assignments.auto_assign(round_, 2, max_per_evaluator=3) == 8
    loads = dict(db.session.execute(select(Assignment.evaluator_id, func.count()).where(
        Assignment.round_id == round_.id).group_by(Assignment.evaluator_id)).all())
    assert max(loads.values()) <= 3 and sum(loads.values()) == 8


def test_too_small_a_panel_is_refused_with_what_to_do(province):
    round_ = province.round
    with pytest.raises(ScoringError) as refusal:
        assignments.auto_assign(round_, 2, max_per_evaluator=2)
    assert "Hội đồng quá ít người so với mức tối đa" in str(refusal.value)
    assert "nâng mức tối đa lên 3 mô hình mỗi người" in str(refusal.value)
    assert _assignments(round_) == 0


def test_places_that_conflicts_of_interest_cannot_use_are_named(province):
    round_ = province.round
    # Three members, three per model: every model has a member of its own unit (or above it).
    with pytest.raises(ScoringError) as refusal:
        assignments.auto_assign(round_, 3, max_per_evaluator=4)
    assert "còn 4 mô hình chưa đủ 3 người chấm" in str(refusal.value)
    assert "không được chấm mô hình của đơn vị mình" in str(refusal.value)
    assert _assignments(round_) == 0
    with pytest.raises(ScoringError, match="tối đa mỗi thành viên phải từ 1"):
        assignments.auto_assign(round_, 2, max_per_evaluator=0)


def test_the_panel_page_takes_the_cap_and_shows_the_refusal(client, login_as, province):
    round_ = province.round
    login_as(province.secretariat)
    page = client.get(f"/dot-danh-gia/{round_.id}/hoi-dong").get_data(as_text=True)
    assert 'name="toi_da"' in page
    response = client.post(f"/dot-danh-gia/{round_.id}/phan-cong-tu-dong", data={"k": "2", "toi_da": "2"},
                           follow_redirects=True)
    assert "Hội đồng quá ít người so với mức tối đa: 3 thành viên" in response.get_data(as_text=True)
    assert _assignments(round_) == 0
    response = client.post(f"/dot-danh-gia/{round_.id}/phan-cong-tu-dong", data={"k": "2", "toi_da": "ba"},
                           follow_redirects=True)
    assert "phải là số nguyên từ 1 trở lên" in response.get_data(as_text=True)
    response = client.post(f"/dot-danh-gia/{round_.id}/phan-cong-tu-dong", data={"k": "2", "toi_da": "3"},
                           follow_redirects=True)
    assert "thêm 8 lượt chấm (2 thành viên mỗi mô hình, tối đa 3 mô hình mỗi người)" in response.get_data(as_text=True)
