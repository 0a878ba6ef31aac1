"""Statistics over years, checked against the data of tests/register/builders.py counted by
hand: the commune granted Giấy khen to Phòng Văn hóa - Xã hội and to Vũ Thị Mai in 2025
(decision 12/QĐ-UBND) and to Trường THCS Gia Viễn in 2026 (7/QĐ-UBND, revoked: not counted);
Trường THCS Gia Viễn also holds a Giấy khen of Ban Dân vận Tỉnh ủy of 2024, entered by hand.
The province's Bằng khen of 2026 is the province's, not the commune's."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from danvankheo.awards.models import AwardLevel
from danvankheo.extensions import db
from danvankheo.register.stats import award_statistics
from danvankheo.units.models import UnitKind
from tests.register.builders import outside
from tests.two_levels import COMMUNE_FORM

BDV_FORM = "Giấy khen của Trưởng Ban Dân vận Tỉnh ủy"


def _with_outside(world):
    outside(world.commune, world.commune.units["school"], number="85/QĐ-BDVTU", day=date(2024, 6, 12),
            body="Ban Dân vận Tỉnh ủy Ninh Bình", form_name=BDV_FORM, award_level=AwardLevel.PROVINCE)
    db.session.commit()


def test_the_figures_by_year_form_level_and_kind_of_unit(world):
    _with_outside(world)
    stats = award_statistics({world.commune.organiser.id})
    assert stats.years == [2024, 2025]
    assert stats.by_year() == [(2024, 0, 1, 1), (2025, 2, 0, 2)]
    assert stats.total == 3
    forms = {name: (counts, total) for name, counts, total in stats.by_form()}
    commune_form = next(name for name in forms if name.startswith(COMMUNE_FORM))
    assert forms == {commune_form: ([0, 2], 2), BDV_FORM: ([1, 0], 1)}
    assert stats.by_level() == [("Cấp xã", [0, 2], 2), ("Cấp tỉnh", [1, 0], 1)]
    # Both units are made with the factory's default kind, sở/ban/ngành.
    assert stats.by_unit_kind() == [(UnitKind.DEPARTMENT.label, [1, 2], 3)]
    # The province counts only its own decision, of 2026, at province level.
    province = award_statistics({world.province.organiser.id})
    assert province.by_year() == [(2026, 1, 0, 1)] and province.by_level() == [("Cấp tỉnh", [1], 1)]
    assert award_statistics({world.commune.organiser.id}, first_year=2025).total == 2


def test_the_statistics_page_and_its_workbook_show_the_same_figures(client, login_as, world):
    _with_outside(world)
    login_as(world.commune.secretariat)
    page = client.get("/so-khen-thuong/thong-ke").get_data(as_text=True)
    assert 'data-testid="statistics-total">3<' in page
    assert '<svg' in page and "Số khen thưởng theo năm" in page
    by_year = page.split('data-testid="stats-by-year"', 1)[1].split("</table>", 1)[0]
    assert ">2024</th><td class=\"text-end\">0</td><td class=\"text-end\">1</td>" in by_year
    response = client.get("/so-khen-thuong/thong-ke/excel")
    book = load_workbook(io.BytesIO(response.data))
    rows = [tuple(v for v in r if v is not None) for r in book["Theo năm"].iter_rows(values_only=True)]
    rows = [r for r in rows if r and r[0] in ("2024", "2025", "Tổng cộng")]
    assert rows == [("2024", 0, 1, 1), ("2025", 2, 0, 2), ("Tổng cộng", 2, 1, 3)]
    levels = [tuple(v for v in r if v is not None) for r in book["Theo cấp"].iter_rows(values_only=True)]
    levels = [r[1:] for r in levels if len(r) > 1 and r[1] in ("Cấp xã", "Cấp tỉnh")]
    assert levels == [("Cấp xã", 0, 2, 2), ("Cấp tỉnh", 1, 0, 1)]

