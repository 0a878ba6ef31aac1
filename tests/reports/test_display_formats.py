"""Numbers as the one formatter writes them on the pages: a score is never truncated (87,5, not
87), and money reads "đồng" with dot groups."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.scoring.snapshots import RankingSnapshotRow

from .data import Province


def _half_point_total(province: Province) -> None:
    m1 = province.models["m1"]
    db.session.execute(update(RankingSnapshotRow).where(RankingSnapshotRow.initiative_id == m1.id)
                       .values(total=Decimal("87.50")))
    db.session.commit()


def test_the_periodic_report_keeps_the_half_point(client, login_as, province: Province):
    _half_point_total(province)
    login_as(Role.SECRETARIAT)
    page = client.get("/bao-cao?tu_ngay=2026-01-01&den_ngay=2026-12-31").get_data(as_text=True)
    assert ">87,5<" in page and ">87<" not in page


def test_the_staff_home_reads_the_score_with_its_decimal(client, login_as, province: Province):
    _half_point_total(province)
    login_as(province.staff["D1"])
    page = client.get("/trang-chu").get_data(as_text=True)
    assert "87,5 điểm" in page


def test_money_and_counts_are_grouped_with_dots(client, login_as, province: Province):
    m1 = province.models["m1"]
    m1.budget_state, m1.budget_social, m1.workdays, m1.beneficiaries = 15_000_000, 0, 1300, 1200
    db.session.commit()
    login_as(Role.SECRETARIAT)
    page = client.get(f"/mo-hinh/{m1.id}").get_data(as_text=True)
    assert "Ngân sách 15.000.000 đồng · Xã hội hóa 0 đồng · 1.300 ngày công" in page
    assert ">1.200<" in page


def test_a_models_time_reads_as_a_period_never_dashes(client, login_as, province: Province):
    from datetime import date

    m1, m2, m3 = province.models["m1"], province.models["m2"], province.models["m3"]
    m1.start_date, m1.end_date, m1.is_ongoing = date(2026, 1, 15), None, True
    m2.start_date, m2.end_date, m2.is_ongoing = date(2026, 1, 1), date(2026, 6, 30), False
    m3.start_date, m3.end_date, m3.is_ongoing = None, None, False
    db.session.commit()
    login_as(Role.SECRETARIAT)
    expected = {m1: "Từ 15/01/2026, đang thực hiện", m2: "01/01/2026 – 30/06/2026", m3: "Chưa ghi"}
    for model, text in expected.items():
        page = client.get(f"/mo-hinh/{model.id}").get_data(as_text=True)
        assert f'data-testid="initiative-period">{text}<' in page
        assert "— → —" not in page
