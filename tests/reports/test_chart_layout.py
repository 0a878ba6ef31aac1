"""Charts people can read: 14 px text, bars coloured by what they count, named links."""

from __future__ import annotations

import re

from danvankheo.core.roles import Role
from danvankheo.reports.charts import ChartItem, bar_chart, progress_chart

from .data import Province


def test_status_bars_take_the_colour_of_their_state(client, login_as, province: Province):
    login_as(Role.OBSERVER)
    page = client.get("/thong-ke?nam=2026").get_data(as_text=True)
    section = page.split('data-testid="chart-status"', 1)[1].split("</svg>", 1)[0]
    fills = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', section)
    assert len(fills) == 3 and len(set(fills)) == 3  # submitted, returned, accepted: not all red
    assert "#2e7d32" in fills  # accepted is green, as its badge


def test_chart_text_is_14_px_and_every_link_has_a_name(app):
    svg = bar_chart([ChartItem("Kinh tế", 2.5, "/mo-hinh?linh_vuc=kinh-te")], title="Theo lĩnh vực")
    assert 'font-size="14"' in svg and 'role="group"' in svg
    assert 'aria-label="Kinh tế: 2,5"' in svg
    progress = progress_chart(4, 5, title="Tỷ lệ đơn vị có mô hình", href="/mo-hinh/tinh-hinh-dang-ky")
    assert "4/5 (80%)" in progress and 'aria-label="Tỷ lệ đơn vị có mô hình: 4/5 (80%)"' in progress
