"""The dashboard's figures against known data, its links, its charts and its query count."""

from __future__ import annotations

import html
import re

import pytest

from danvankheo.core.roles import Role
from danvankheo.registry.models import Field, Status
from danvankheo.reports.dashboard import build_dashboard
from danvankheo.scoring.models import Grade
from danvankheo.units.models import UnitKind
from tests.factories import make_user

from .data import Province

LINK = re.compile(r'<a href="(?P<href>/mo-hinh\?[^"#]*)"[^>]*>(?P<n>[\d.]+)</a>')


def test_figures_for_an_observer(app, province: Province):
    observer = make_user(Role.OBSERVER)
    d = build_dashboard(observer, 2026)
    assert d.total == 6  # the draft m4 is D2's own business
    assert d.by_status == {Status.SUBMITTED: 2, Status.RETURNED: 1, Status.ACCEPTED: 3}
    assert d.by_field == {Field.ECONOMY: 2, Field.CULTURE_SOCIETY: 2, Field.POLITICAL_SYSTEM: 1,
                          Field.DEFENCE_SECURITY: 1}
    assert d.by_unit_kind == {UnitKind.DEPARTMENT: 4, UnitKind.COMMUNE: 1, UnitKind.PUBLIC_SERVICE: 1}
    assert d.trend == [(2025, 1, 1), (2026, 6, 3)]
    assert (d.units_with_models, d.units_required) == (4, 5)
    assert d.compliance_rate == pytest.approx(0.8)
    assert [row.unit.name for row in d.units_behind] == ["UBND xã Gia Viễn"]
    assert [(r.initiative.name, r.replications, r.continuations) for r in d.replicated] == [
        ("Mô hình m1", 1, 0),
        ("Mô hình m0", 0, 1),
    ]
    assert d.grade_totals == {Grade.EXCELLENT: 1, Grade.GOOD: 1, None: 1}


def test_a_year_without_models(app, province: Province):
    d = build_dashboard(make_user(Role.OBSERVER), 2024)
    assert d.total == 0 and d.by_field == {} and d.grades == []
    assert len(d.units_behind) == d.behind_count == d.units_required == 5


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.SECRETARIAT, Role.ADMIN])
def test_every_number_links_to_a_list_with_that_many_models(client, login_as, province: Province, role):
    login_as(role)
    page = client.get("/thong-ke?nam=2026")
    assert page.status_code == 200
    links = LINK.findall(page.get_data(as_text=True))
    assert len(links) >= 15
    for href, number in links:
        listing = client.get(html.unescape(href)).get_data(as_text=True)
        table = listing.split('data-testid="initiative-list"', 1)[1].split("</table>", 1)[0]
        shown = len(re.findall(r'href="/mo-hinh/\d+"', table))
        assert shown == int(number.replace(".", "")), href


def test_grade_and_compliance_numbers_link_to_their_pages(client, login_as, province: Province):
    login_as(Role.SECRETARIAT)
    page = client.get("/thong-ke?nam=2026").get_data(as_text=True)
    round_id = province.round.id
    assert f'href="/dot-danh-gia/{round_id}/xep-hang?xep_loai=excellent">1</a>' in page
    assert f'href="/dot-danh-gia/{round_id}/xep-hang?tinh_trang=chua-du">1</a>' in page
    assert 'href="/mo-hinh/tinh-hinh-dang-ky?nam=2026&amp;tinh_trang=missing" data-testid="kpi-behind">1</a>' in page
    ranking = client.get(f"/dot-danh-gia/{round_id}/xep-hang?xep_loai=excellent").get_data(as_text=True)
    table = ranking.split('data-testid="ranking"', 1)[1].split("</table>", 1)[0]
    assert "Mô hình m1" in table and "Mô hình m5" not in table and "Mô hình m7" not in table
    missing = client.get("/mo-hinh/tinh-hinh-dang-ky?nam=2026&tinh_trang=missing").get_data(as_text=True)
    assert "UBND xã Gia Viễn" in missing and "Sở Tư pháp" not in missing.split("compliance-table")[1]


def test_charts_are_inline_svg_with_text_alternatives(client, login_as, province: Province):
    login_as(Role.OBSERVER)
    page = client.get("/thong-ke?nam=2026").get_data(as_text=True)
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) >= 6
    for svg in svgs:
        # A group, not an image: the bars' links must stay reachable (WCAG nested-interactive).
        assert 'role="group"' in svg and "<title" in svg and "<desc" in svg
        assert all('aria-label="' in link for link in re.findall(r"<a [^>]*>", svg))
        assert "style=" not in svg and "<script" not in svg
    for testid in ("chart-field", "chart-unit-kind", "chart-status", "chart-grades", "chart-trend"):
        section = page.split(f'data-testid="{testid}"', 1)[1].split("</section>", 1)[0]
        assert section.index("<svg") < section.index("<table"), testid  # the table under the chart
    assert "cdn" not in page.lower()


def test_replicated_models_are_listed_with_links(client, login_as, province: Province):
    login_as(Role.OBSERVER)
    page = client.get("/thong-ke?nam=2026").get_data(as_text=True)
    section = page.split('data-testid="replicated"', 1)[1].split("</section>", 1)[0]
    m1 = province.models["m1"].id
    assert f'href="/mo-hinh/{m1}#nhan-rong">1</a>' in section
    assert section.index("Mô hình m1") < section.index("Mô hình m0")
    # The count's link lands on the model's own list of the models that replicate it.
    detail = client.get(f"/mo-hinh/{m1}").get_data(as_text=True)
    relations = detail.split('id="nhan-rong"', 1)[1].split("</section>", 1)[0]
    assert "Mô hình m5" in relations


@pytest.mark.parametrize("role", [Role.STAFF, Role.EVALUATOR])
def test_dashboard_is_not_for_staff_or_evaluators(client, login_as, role):
    login_as(role)
    assert client.get("/thong-ke").status_code == 403


def test_unknown_year_is_not_found(client, login_as):
    login_as(Role.OBSERVER)
    assert client.get("/thong-ke?nam=1800").status_code == 404


def test_labels_are_escaped_in_the_charts(app):
    from danvankheo.reports.charts import ChartItem, bar_chart, column_chart

    svg = bar_chart([ChartItem('<script>alert("x")</script>', 3, '/mo-hinh?a=1&b="2"')], title="T<i>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'href="/mo-hinh?a=1&amp;b=&#34;2&#34;"' in svg
    assert "<title id=" in svg and "T&lt;i&gt;" in svg
    assert "<script>" not in column_chart([ChartItem("<script>", 1)], title="x")
    empty = bar_chart([], title="Trống")
    assert "Không có dữ liệu" in empty


def _grow(n: int) -> None:
    """n more units in scope, each with a submitted model that replicates the first one."""
    from danvankheo.extensions import db
    from tests.factories import make_initiative, make_unit

    first = None
    for i in range(n):
        unit = make_unit(f"UBND xã Thử {i}", kind=UnitKind.COMMUNE)
        model = make_initiative(unit, year=2026, status=Status.SUBMITTED,
                                field=list(Field)[i % 4], replicates=first)
        first = first or model
    db.session.commit()


@pytest.mark.parametrize("page", ["/thong-ke?nam=2026", "/trang-chu"])
def test_query_count_does_not_grow_with_the_data(client, login_as, province: Province, page):
    from tests.perf.querycount import assert_constant, queries_for

    login_as(Role.OBSERVER) if page.startswith("/thong-ke") else login_as(province.staff["D1"])
    _grow(5)
    small = queries_for(client, page)
    _grow(60)
    large = queries_for(client, page)
    assert_constant(small, large, page)


def test_staff_home_panel_shows_the_units_years_deadline_and_results(client, province: Province):
    from tests.factories import PASSWORD

    staff = province.staff["D1"]
    client.post("/dang-nhap", data={"login": staff.login, "password": PASSWORD})
    page = client.get("/trang-chu").get_data(as_text=True)
    panel = page.split('data-panel="reports-staff"', 1)[1].split('data-panel="', 1)[0]
    years = panel.split('data-testid="staff-years"', 1)[1].split("</table>", 1)[0]
    rows = [re.sub(r"<[^>]+>|\s+", " ", r).split() for r in years.split("<tr>")[2:]]
    assert rows == [["2026", "2", "2", "1"], ["2025", "1", "1", "1"]]
    assert 'data-testid="staff-deadline"' in panel
    results = panel.split('data-testid="staff-results"', 1)[1]
    assert "Mô hình m1" in results and "Xuất sắc" in results and "hạng 1" in results
