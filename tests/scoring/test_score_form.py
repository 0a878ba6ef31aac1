"""The scoring form as an evaluator types into it: decimal commas, maxima, the typed text kept."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Score
from tests.scoring.conftest import full_marks


@pytest.fixture
def scoring(province):
    assignments.auto_assign(province.round, 2)
    rounds.start_scoring(province.round)
    db.session.commit()
    return province


def _url(p, key):
    return f"/cham-diem/{p.round.id}/{p.models[key].id}"


def test_score_boxes_are_text_with_a_decimal_keyboard_and_show_each_maximum(client, login_as, scoring):
    login_as(scoring.evaluators["commune"])
    page = client.get(_url(scoring, "justice")).get_data(as_text=True)
    first = scoring.round.criteria[0]
    assert 'type="number"' not in page
    assert f'id="score-{first.id}" name="score-{first.id}"' in page
    assert page.count('inputmode="decimal"') == len(scoring.round.criteria)
    assert "/ 20 điểm" in page and "/ 30 điểm" in page
    assert "js/scoring.js" in page and "data-score-total" in page
    assert "với tổng điểm {total}/100" in page  # the confirmation of "Nộp phiếu" names the total


@pytest.mark.parametrize("typed", ["17,5", "17.5", " 17,5 "])
def test_comma_or_point_store_the_same_half_point(client, login_as, scoring, typed):
    login_as(scoring.evaluators["commune"])
    values = full_marks(scoring.round)
    first = scoring.round.criteria[0]
    values[first.id] = typed
    form = {**{f"score-{k}": v for k, v in values.items()}, "action": "submit", "comment": "", "version": "0"}
    response = client.post(_url(scoring, "justice"), data=form, follow_redirects=True)
    assert "Đã nộp phiếu chấm." in response.get_data(as_text=True)
    stored = db.session.scalar(select(Score.value).where(Score.criterion_id == first.id))
    assert stored == Decimal("17.5")


def test_a_refused_value_is_shown_back_as_typed_with_a_vietnamese_message(client, login_as, scoring):
    login_as(scoring.evaluators["commune"])
    values = full_marks(scoring.round)
    first, second = scoring.round.criteria[0], scoring.round.criteria[1]
    values[first.id] = "hai mươi"
    values[second.id] = "31,5"
    form = {**{f"score-{k}": v for k, v in values.items()}, "action": "submit", "comment": "", "version": "0"}
    page = client.post(_url(scoring, "justice"), data=form).get_data(as_text=True)
    assert 'value="hai mươi"' in page and 'value="31,5"' in page
    assert "Không phải là số. Hãy nhập số, ví dụ 7 hoặc 2,5." in page
    assert "Điểm phải từ 0 đến 30." in page


def test_saved_scores_come_back_with_a_decimal_comma(client, login_as, scoring):
    evaluator = scoring.evaluators["commune"]
    values = full_marks(scoring.round, minus=Decimal("2.5"))
    scorecards.save_scorecard(scoring.round, scoring.models["justice"], evaluator, values, submit=False)
    db.session.commit()
    login_as(evaluator)
    page = client.get(_url(scoring, "justice")).get_data(as_text=True)
    assert 'value="17,5"' in page
    assert 'data-testid="live-total">97,5<' in page
