"""The ranking page at any size: units are filtered by a typed name or code (accents ignored,
units below included) instead of a list of every unit, the search is the registry's, and the
page links to the Excel export."""

from __future__ import annotations

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.scoring import rounds
from danvankheo.units.models import UnitKind
from tests.factories import make_unit
from tests.scoring.test_progress_ranking_and_conflicts import _ranking, ranked  # noqa: F401 (a fixture)


def _names(client, round_, query: str) -> set[str]:
    return {cells[1].split(" Chênh lệch lớn")[0] for cells in _ranking(client, round_, query)}


def test_unit_filter_by_typed_name_or_code_includes_the_units_below(client, login_as, ranked):  # noqa: F811
    round_, models, _units = ranked
    login_as(Role.OBSERVER)
    health_and_hospital = {models["A"].name, models["B"].name}
    assert _names(client, round_, "?thuoc=so+y+te") == health_and_hospital  # accents ignored
    assert _names(client, round_, "?thuoc=Sở+Y+TẾ") == health_and_hospital
    assert _names(client, round_, "?thuoc=syt") == health_and_hospital  # by code
    assert _names(client, round_, "?thuoc=gia+vien") == {models["C"].name}
    assert _names(client, round_, "?thuoc=UBND+tỉnh") == {m.name for m in models.values()}  # the whole tree
    assert _names(client, round_, "?thuoc=y+te&linh_vuc=economy") == {models["A"].name}

    page = client.get(f"/dot-danh-gia/{round_.id}/xep-hang?thuoc=so+y+te").get_data(as_text=True)
    assert "“so y te” khớp 1 đơn vị: Sở Y tế" in page
    page = client.get(f"/dot-danh-gia/{round_.id}/xep-hang?thuoc=ha+noi").get_data(as_text=True)
    assert "Không có đơn vị nào có tên hoặc mã khớp “ha noi”" in page
    assert _names(client, round_, "?thuoc=ha+noi") == set()


def test_unit_filter_by_id_from_links_still_works_and_can_be_removed(client, login_as, ranked):  # noqa: F811
    round_, models, units = ranked
    login_as(Role.SECRETARIAT)
    page = client.get(f"/dot-danh-gia/{round_.id}/xep-hang?don_vi={units['health'].id}&khoi=department")
    text = page.get_data(as_text=True)
    assert "Thuộc đơn vị: <strong>Sở Y tế</strong>" in text
    assert f'href="/dot-danh-gia/{round_.id}/xep-hang?khoi=department">Bỏ lọc đơn vị' in text
    assert _names(client, round_, f"?don_vi={units['health'].id}&khoi=department") == {models["A"].name}


def test_the_page_does_not_list_every_unit(client, login_as, ranked):  # noqa: F811
    round_, _models, _units = ranked
    login_as(Role.OBSERVER)
    before = client.get(f"/dot-danh-gia/{round_.id}/xep-hang").get_data(as_text=True)
    for n in range(60):
        make_unit(f"UBND xã Mới Lập {n}", kind=UnitKind.COMMUNE)
    db.session.commit()
    after = client.get(f"/dot-danh-gia/{round_.id}/xep-hang").get_data(as_text=True)
    assert "Mới Lập" not in after and 'name="don_vi"' not in after
    assert len(after) == len(before)


def test_search_is_accent_insensitive(client, login_as, ranked):  # noqa: F811
    round_, models, _units = ranked
    login_as(Role.OBSERVER)
    assert _names(client, round_, "?q=an+toan+thuc+pham") == {models["A"].name}
    assert _names(client, round_, "?q=BỆNH+viện") == {models["B"].name}
    assert _names(client, round_, "?q=gia+vien") == {models["C"].name}  # the unit's name


def test_the_page_links_to_the_excel_export_once_scoring_has_started(client, login_as, ranked):  # noqa: F811
    round_, _models, _units = ranked
    login_as(Role.OBSERVER)
    page = client.get(f"/dot-danh-gia/{round_.id}/xep-hang").get_data(as_text=True)
    assert f'href="/xuat-excel/dot-danh-gia/{round_.id}/xep-hang"' in page
    assert client.get(f"/xuat-excel/dot-danh-gia/{round_.id}/xep-hang").status_code == 200

    draft = rounds.create_round(rounds.RoundSettings(name="Đợt sau", year=2026), include_eligible=False)
    db.session.commit()
    page = client.get(f"/dot-danh-gia/{draft.id}/xep-hang").get_data(as_text=True)
    assert "/xuat-excel/" not in page  # a draft round has no export (404)
