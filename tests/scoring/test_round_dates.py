"""The scoring window is typed day first ("01/11/2026 08:00"); a day alone closes at 23:59."""

from datetime import datetime

from sqlalchemy import select

from danvankheo.auth.models import Role
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
