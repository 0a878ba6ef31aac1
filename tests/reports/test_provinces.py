"""A periodic report over several provinces sums by province (issue 15): the national observer
reads one line per province, each equal to the sum of the unit lines of that province's own
report (reached with ?tinh=), and the national totals equal the sum of the province lines. A
province's reader sees its report as before."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from danvankheo.extensions import db
from danvankheo.organisers import access
from danvankheo.reports.periodic import Counts, Period, build_periodic_report
from danvankheo.reports.provinces import choose_province

from .country import Country, build_country

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
URL = "/bao-cao?tu_ngay=01/01/2026&den_ngay=31/12/2026"


@pytest.fixture
def country(app) -> Country:
    c = build_country()
    db.session.commit()
    return c


def _national(c: Country):
    return build_periodic_report(YEAR, access.readable_organisers_in_order(c.users["national_observer"]))


def _sum(lines) -> Counts:
    total = Counts()
    for line in lines:
        total.add(line.counts)
    return total


def test_each_province_line_is_the_sum_of_its_own_reports_unit_lines(country):
    c = country
    national = _national(c)
    assert national.by_province
    readable = access.readable_organisers_in_order(c.users["national_observer"])
    lines = {line.name: line for line in national.provinces}
    # The national organiser's own unit must register nothing: it has no line.
    assert list(lines) == ["UBND tỉnh Ninh Bình", "UBND thành phố Hà Nội"]  # most registered first
    for line in national.provinces:
        own = build_periodic_report(YEAR, choose_province(str(line.organiser.id), readable).organiser_ids)
        assert not own.by_province
        units = _sum(own.units)
        assert (line.registered, line.submitted, line.accepted) == (units.registered, units.submitted,
                                                                    units.accepted)
        assert line.scope_units == own.scope_units
        assert line.units_without_models == len(own.units_without_models)

    # The national totals are the sum of the province lines.
    t = national.totals
    assert (t.registered, t.submitted, t.accepted) == tuple(
        sum(getattr(line, name) for line in national.provinces) for name in ("registered", "submitted", "accepted"))
    assert national.scope_units == sum(line.scope_units for line in national.provinces)
    assert len(national.units_without_models) == sum(line.units_without_models for line in national.provinces)

    # By hand (see the fixture): Ninh Bình registered 6 (the commune's division included),
    # submitted 5, accepted 2; its scope: D1, D2, D3, C1 and the commune's division, of
    # which D3 registered nothing. Hà Nội: 3, 3, 2; scope D1, D2, D3, C1; D3 and C1 nothing.
    nb, hn = lines["UBND tỉnh Ninh Bình"], lines["UBND thành phố Hà Nội"]
    assert (nb.registered, nb.submitted, nb.accepted, nb.scope_units, nb.units_without_models) == (6, 5, 2, 5, 1)
    assert (hn.registered, hn.submitted, hn.accepted, hn.scope_units, hn.units_without_models) == (3, 3, 2, 4, 2)
    assert (t.registered, t.submitted, t.accepted) == (9, 8, 4)


def test_rounds_are_counted_by_province(country):
    national = _national(country)
    rounds = {line.name: line for line in national.province_rounds}
    assert rounds["UBND tỉnh Ninh Bình"].rounds == 1 and rounds["UBND thành phố Hà Nội"].rounds == 0
    grades = rounds["UBND tỉnh Ninh Bình"].grades
    assert {g.value: n for g, n in grades.items()} == {"excellent": 1, "good": 1}


def test_a_province_reader_sees_the_report_as_before(country, client, login_as):
    c = country
    report = build_periodic_report(YEAR, access.readable_organisers_in_order(c.users["Ninh Bình_observer"]))
    assert not report.by_province and report.provinces is None
    assert report.totals.registered == 6
    login_as(c.users["Ninh Bình_observer"])
    page = client.get(URL).get_data(as_text=True)
    assert 'data-testid="section-units"' in page and 'data-testid="section-provinces"' not in page
    assert "Sở Tư pháp Ninh Bình" in page and "Hà Nội" not in page
    assert "Đợt đánh giá năm 2026 của tỉnh Ninh Bình" in page  # its round's ranking, as before


def test_the_national_page_links_each_province_to_its_own_report(country, client, login_as):
    c = country
    login_as(c.users["national_observer"])
    page = client.get(URL).get_data(as_text=True)
    assert 'data-testid="section-provinces"' in page and 'data-testid="section-units"' not in page
    nb = c.provinces["Ninh Bình"]
    assert f'href="/bao-cao?tu_ngay=2026-01-01&amp;den_ngay=2026-12-31&amp;tinh={nb.id}"' in page
    assert "Sở Tư pháp Ninh Bình" not in page  # no unit lines, no unit list
    assert "tinh=None" not in page and 'name="tinh"' not in page
    assert "Mô hình nb1" not in page  # no round's full ranking
    assert f'data-province-rounds="{nb.id}"' in page

    own = client.get(f"{URL}&tinh={nb.id}")
    assert own.status_code == 200
    html = own.get_data(as_text=True)
    assert 'data-testid="section-units"' in html and "Sở Tư pháp Ninh Bình" in html
    assert "Sở Tư pháp Hà Nội" not in html and "Mô hình nb1" in html
    assert f'name="tinh" value="{nb.id}"' in html


@pytest.mark.parametrize("value", ["abc", "12x", "-1", "9" * 12, "999999"])
def test_a_garbled_or_unknown_province_gets_a_message(country, client, login_as, value):
    login_as(country.users["national_observer"])
    response = client.get(f"{URL}&tinh={value}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'data-testid="province-error"' in html and "tỉnh, thành phố" in html
    assert client.get(f"/bao-cao/excel?tu_ngay=2026-01-01&den_ngay=2026-12-31&tinh={value}").status_code == 400


def test_a_commune_is_not_a_province_of_the_report(country, client, login_as):
    login_as(country.users["national_observer"])
    response = client.get(f"{URL}&tinh={country.commune.id}")
    assert response.status_code == 400
    assert "không phải là một tỉnh, thành phố" in response.get_data(as_text=True)


def test_a_province_the_reader_does_not_read_is_not_found(country, client, login_as):
    login_as(country.users["Ninh Bình_observer"])
    assert client.get(f"{URL}&tinh={country.provinces['Hà Nội'].id}").status_code == 404
    assert client.get(f"/bao-cao/excel?tu_ngay=2026-01-01&den_ngay=2026-12-31"
                      f"&tinh={country.provinces['Hà Nội'].id}").status_code == 404


def test_the_national_workbook_has_the_pages_shape(country, client, login_as):
    login_as(country.users["national_observer"])
    book = load_workbook(io.BytesIO(client.get("/bao-cao/excel?tu_ngay=2026-01-01&den_ngay=2026-12-31").data))
    assert "Theo đơn vị" not in book.sheetnames and "Chưa đăng ký" not in book.sheetnames
    assert book.sheetnames[:4] == ["Tổng hợp", "Theo lĩnh vực", "Theo tỉnh", "Kết quả theo tỉnh"]
    rows = list(book["Theo tỉnh"].iter_rows(values_only=True))
    lines = {row[1]: row[2:] for row in rows if isinstance(row[0], int)}
    assert lines == {"UBND tỉnh Ninh Bình": (6, 5, 2, 5, 1), "UBND thành phố Hà Nội": (3, 3, 2, 4, 2)}
    total = next(row for row in rows if row[1] == "Tổng cộng")
    assert tuple(total[2:]) == (9, 8, 4, 9, 3)
    results = {row[1]: row[2:] for row in book["Kết quả theo tỉnh"].iter_rows(values_only=True)
               if isinstance(row[0], int)}
    assert results["UBND tỉnh Ninh Bình"] == (1, 1, 1, 0, 0, 0)

    nb = country.provinces["Ninh Bình"]
    own = load_workbook(io.BytesIO(client.get(f"/bao-cao/excel?tu_ngay=2026-01-01&den_ngay=2026-12-31"
                                              f"&tinh={nb.id}").data))
    assert own.sheetnames[:5] == ["Tổng hợp", "Theo lĩnh vực", "Theo đơn vị", "Chưa đăng ký", "Kết quả chấm"]
    units = {row[1]: row[3] for row in own["Theo đơn vị"].iter_rows(values_only=True) if isinstance(row[0], int)}
    assert sum(units.values()) == 6
