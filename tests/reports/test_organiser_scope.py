"""Reports per organiser: a secretariat counts its own organiser's scope, an observer of the
province the whole province with its communes (tests/organisers/world.py)."""

from __future__ import annotations

from datetime import date

import pytest

from danvankheo.extensions import db
from danvankheo.organisers import access
from danvankheo.registry.deadlines import ComplianceStatus, compliance_rows_of
from danvankheo.reports.dashboard import build_dashboard
from danvankheo.reports.periodic import Period, build_periodic_report
from danvankheo.scoring import rounds
from tests.organisers.world import build_two_levels

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def world(app):
    w = build_two_levels()
    db.session.commit()
    return w


def _units(dashboard, user) -> list[str]:
    """The units the dashboard's compliance counts: those of the compliance view of the same
    reader (the dashboard counts them in SQL, the view lists them)."""
    rows = compliance_rows_of(2026, access.readable_organisers_in_order(user))
    assert dashboard.units_required == len(rows)
    assert dashboard.units_with_models == sum(row.status is not ComplianceStatus.MISSING for row in rows)
    return [row.unit.name for row in rows]


def test_the_dashboard_counts_the_readers_organisers(world):
    w = world
    commune = build_dashboard(w.users["gia_vien_secretariat"], 2026)
    # Submitted models of Gia Viễn only (its draft is not the secretariat's to see).
    assert commune.total == 2
    assert [g.round_id for g in commune.grades] == [w.commune_round.id]
    assert sorted(_units(commune, w.users["gia_vien_secretariat"])) == ["Phòng Kinh tế", "Phòng Văn hóa - Xã hội",
                                                                   "Trạm Y tế xã"]
    assert commune.units_with_models == 2

    province = build_dashboard(w.users["province_secretariat"], 2026)
    assert province.total == 1  # Sở Tư pháp's model; the communes' are theirs
    assert province.grades == []
    assert _units(province, w.users["province_secretariat"]) == ["Sở Tư pháp"]

    other = build_dashboard(w.users["gia_hung_secretariat"], 2026)
    assert other.total == 1 and other.grades == []
    # Without settings of its own, a commune asks its divisions and public-service units.
    assert _units(other, w.users["gia_hung_secretariat"]) == ["Phòng Văn hóa - Xã hội xã Gia Hưng"]

    observer = build_dashboard(w.users["province_observer"], 2026)
    assert observer.total == 4  # 1 + 2 + 1: every submitted model of the province and its communes
    assert [g.round_id for g in observer.grades] == [w.commune_round.id]
    # The province's own units first, then each commune's.
    units = _units(observer, w.users["province_observer"])
    assert len(units) == 5 and units[0] == "Sở Tư pháp"


def test_the_periodic_report_counts_the_readers_organisers(world, client, login_as):
    w = world
    commune = build_periodic_report(YEAR, [w.gia_vien.id])
    assert commune.totals.registered == 3  # two accepted, one draft; 2025's model is not this year's
    assert [r.round.id for r in commune.rounds] == [w.commune_round.id]
    assert {line.unit.name for line in commune.units if line.in_scope} == {
        "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Trạm Y tế xã"}
    province = build_periodic_report(YEAR, [w.province.id])
    assert province.totals.registered == 1 and province.rounds == []
    assert {line.unit.name for line in province.units if line.in_scope} == {"Sở Tư pháp"}
    everything = build_periodic_report(YEAR, [w.province.id, w.gia_vien.id, w.gia_hung.id])
    assert everything.totals.registered == 6

    login_as(w.users["gia_hung_secretariat"])
    page = client.get("/bao-cao?tu_ngay=01/01/2026&den_ngay=31/12/2026").get_data(as_text=True)
    assert "UBND xã Gia Hưng" in page and "Trạm Y tế xã" not in page and "Sở Tư pháp" not in page
    client.post("/dang-xuat")
    login_as(w.users["province_observer"])
    page = client.get("/bao-cao?tu_ngay=01/01/2026&den_ngay=31/12/2026").get_data(as_text=True)
    assert "Trạm Y tế xã" in page and "Sở Tư pháp" in page and w.commune_round.name in page


def test_home_panels_show_the_readers_organisers(world, client, login_as):
    w = world
    draft = rounds.create_round(rounds.RoundSettings(name="Đợt tỉnh đang chuẩn bị", year=2026),
                                by=w.users["province_secretariat"], organiser_id=w.province.id)
    db.session.commit()
    login_as(w.users["province_secretariat"])
    home = client.get("/trang-chu").get_data(as_text=True)
    assert draft.name in home
    assert "Xã Gia Hưng nói đi đôi với làm" not in home  # a commune's model waiting for its own review
    client.post("/dang-xuat")
    login_as(w.users["gia_hung_secretariat"])
    home = client.get("/trang-chu").get_data(as_text=True)
    assert "Xã Gia Hưng nói đi đôi với làm" in home
    assert draft.name not in home
