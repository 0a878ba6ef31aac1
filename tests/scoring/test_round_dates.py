"""The round form as typed: the scoring window day first ("01/11/2026 08:00", a day alone closes
at 23:59), thresholds with a decimal comma."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from danvankheo.core.roles import Role
from danvankheo.core.timeutil import to_local
from danvankheo.extensions import db
from danvankheo.scoring.models import Round

FORM = {"name": "Đợt bổ sung 2026", "year": 2026, "aggregation": "mean", "min_scorecards": 3,
        "disagreement_threshold": "15", "grade_excellent_min": "90", "grade_good_min": "75",
        "grade_fair_min": "60", "scope_unit_id": 0, "scope_unit_kind": "", "scope_field": ""}


def test_the_window_is_read_day_first_and_shown_back_the_same_way(client, login_as, province):
    login_as(Role.SECRETARIAT)
    response = client.post("/dot-danh-gia/moi", data={**FORM, "opens_at": "01/11/2026 08:00", "closes_at": "05/12/2026"})
    assert response.status_code == 302
    created = db.session.scalar(select(Round).where(Round.name == "Đợt bổ sung 2026"))
    assert to_local(created.opens_at).replace(tzinfo=None) == datetime(2026, 11, 1, 8, 0)
    assert to_local(created.closes_at).replace(tzinfo=None) == datetime(2026, 12, 5, 23, 59)
    page = client.get(f"/dot-danh-gia/{created.id}/cai-dat").get_data(as_text=True)
    assert 'value="01/11/2026 08:00"' in page and 'value="05/12/2026 23:59"' in page
    assert 'type="datetime-local"' not in page


def test_a_wrong_day_is_refused_in_vietnamese_and_kept(client, login_as, province):
    login_as(Role.SECRETARIAT)
    page = client.post("/dot-danh-gia/moi", data={**FORM, "closes_at": "31/11/2026"}).get_data(as_text=True)
    assert "Ngày giờ không hợp lệ. Hãy nhập theo dạng ngày/tháng/năm giờ:phút" in page
    assert 'value="31/11/2026"' in page
    assert db.session.scalar(select(Round).where(Round.name == "Đợt bổ sung 2026")) is None


def test_thresholds_take_a_decimal_comma_and_show_without_a_trailing_zero(client, login_as, province):
    login_as(Role.SECRETARIAT)
    page = client.get("/dot-danh-gia/moi").get_data(as_text=True)
    assert 'inputmode="decimal"' in page and 'value="20"' in page
    assert "20.0" not in page and 'type="number" value="90' not in page
    response = client.post("/dot-danh-gia/moi", data={**FORM, "disagreement_threshold": "12,5",
                                                      "grade_excellent_min": "87,5"})
    assert response.status_code == 302
    created = db.session.scalar(select(Round).where(Round.name == "Đợt bổ sung 2026"))
    assert created.disagreement_threshold == Decimal("12.5") and created.grade_excellent_min == Decimal("87.5")
    settings = client.get(f"/dot-danh-gia/{created.id}/cai-dat").get_data(as_text=True)
    assert 'value="87,5"' in settings and 'value="12,5"' in settings


def test_a_threshold_that_is_not_a_number_is_refused_in_vietnamese(client, login_as, province):
    login_as(Role.SECRETARIAT)
    page = client.post("/dot-danh-gia/moi", data={**FORM, "disagreement_threshold": "mười"}).get_data(as_text=True)
    assert "Không phải là số. Hãy nhập số, ví dụ 7 hoặc 2,5." in page and 'value="mười"' in page
