"""The list's unit filter (a typed name or code, not a drop-down of every unit), its suggestions,
links into the list by unit id, and the capped count of matches."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.registry import services
from danvankheo.registry.models import Status
from danvankheo.registry.services import filtered_initiatives_query, match_units
from danvankheo.units.models import UnitKind
from tests import factories
from tests.keyset_walk import paging_link, walk
from tests.registry.conftest import switch_to


@pytest.fixture
def units(world):
    """Below Ninh Bình: Sở Y tế with a hospital, and two communes whose names share words.
    A second province has a commune called Bình Ninh: the same words in the other order."""
    hospital = factories.make_unit("Bệnh viện Đa khoa tỉnh", kind=UnitKind.PUBLIC_SERVICE, parent=world.health,
                                   code="BVDK")
    tan_phu = factories.make_unit("UBND xã Tân Phú", kind=UnitKind.COMMUNE, parent=world.province, code="TP")
    tan_phu_dong = factories.make_unit("UBND xã Tân Phú Đông", kind=UnitKind.COMMUNE, parent=world.province,
                                       code="TPD")
    ha_tinh = factories.make_unit("UBND tỉnh Hà Tĩnh", kind=UnitKind.PROVINCE, code="HT")
    binh_ninh = factories.make_unit("UBND xã Bình Ninh", kind=UnitKind.COMMUNE, parent=ha_tinh, code="BN")
    models = {}
    for key, unit in (("justice", world.justice), ("health", world.health), ("hospital", hospital),
                      ("tan_phu", tan_phu), ("tan_phu_dong", tan_phu_dong), ("binh_ninh", binh_ninh)):
        models[key] = factories.make_initiative(unit, name=f"Mô hình của {unit.name}", status=Status.ACCEPTED)
    db.session.commit()
    return models


def _keys(world, units, **args) -> set[str]:
    found = {i.id for i in db.session.scalars(filtered_initiatives_query(world.secretariat, args))}
    return {key for key, initiative in units.items() if initiative.id in found}


@pytest.mark.parametrize("text", ["so y te", "Sở Y tế", "SỞ Y TẾ", "  sở   y te "])
def test_unit_name_ignores_diacritics_and_case_and_includes_sub_units(world, units, text):
    assert _keys(world, units, ten_don_vi=text) == {"health", "hospital"}


def test_unit_code_and_a_sub_unit_alone(world, units):
    assert _keys(world, units, ten_don_vi="bvdk") == {"hospital"}
    assert _keys(world, units, ten_don_vi="benh vien da khoa") == {"hospital"}


def test_a_province_finds_everything_below_it_and_a_phrase_beats_loose_words(world, units):
    ninh_binh = {"justice", "health", "hospital", "tan_phu", "tan_phu_dong"}
    assert _keys(world, units, ten_don_vi="ninh binh") == ninh_binh
    # The same words in the other order are another unit, in another province.
    assert _keys(world, units, ten_don_vi="Bình Ninh") == {"binh_ninh"}
    # Words that occur only apart still match, in any order, across a unit and its parents.
    assert _keys(world, units, ten_don_vi="y te ninh binh") == {"health", "hospital"}
    assert _keys(world, units, ten_don_vi="dong tan") == {"tan_phu_dong"}


def test_a_picked_suggestion_is_exactly_that_unit(world, units):
    assert _keys(world, units, ten_don_vi="tan phu") == {"tan_phu", "tan_phu_dong"}
    label = "UBND xã Tân Phú (UBND tỉnh Ninh Bình)"
    assert _keys(world, units, ten_don_vi=label) == {"tan_phu"}
    assert _keys(world, units, ten_don_vi=label.upper()) == {"tan_phu"}
    # A label that is the start of another unit's: still only that unit.
    farmers = factories.make_unit("Hội Nông dân", kind=UnitKind.MASS_ORGANISATION, code="HND")
    provincial = factories.make_unit("Hội Nông dân tỉnh", kind=UnitKind.MASS_ORGANISATION, parent=world.province,
                                     code="HNDT")
    db.session.commit()
    assert match_units("hoi nong dan tinh").unit_ids == {provincial.id}
    assert match_units("Hội Nông dân").unit_ids == {farmers.id}


def test_no_unit_matches_means_no_model(world, units):
    assert _keys(world, units, ten_don_vi="khong co don vi nay") == set()
    match = match_units("khong co don vi nay")
    assert match.unit_ids == frozenset() and match.named == []


def test_unit_filter_combines_with_the_others_and_never_widens_visibility(world, units):
    assert _keys(world, units, ten_don_vi="ninh binh", q="benh vien") == {"hospital"}
    assert _keys(world, units, ten_don_vi="ninh binh", loai_don_vi="commune") == {"tan_phu", "tan_phu_dong"}
    assert _keys(world, units, ten_don_vi="ninh binh", nam="2025") == set()
    draft = factories.make_initiative(world.health, name="Bản nháp của Sở Y tế")
    db.session.commit()
    found = set(db.session.scalars(filtered_initiatives_query(world.secretariat, {"ten_don_vi": "so y te"})))
    assert draft not in found
    staff_sees = set(db.session.scalars(filtered_initiatives_query(world.staff, {"ten_don_vi": "so y te"})))
    assert staff_sees == set()


def test_match_names_the_top_most_units(world, units):
    match = match_units("ninh binh")
    assert [c.label for c in match.named] == ["UBND tỉnh Ninh Bình"]
    assert match.named_count == 1
    match = match_units("ubnd xa")
    assert [c.label for c in match.named] == ["UBND xã Bình Ninh (UBND tỉnh Hà Tĩnh)",
                                              "UBND xã Tân Phú (UBND tỉnh Ninh Bình)",
                                              "UBND xã Tân Phú Đông (UBND tỉnh Ninh Bình)"]


def test_a_renamed_unit_is_found_by_its_new_name(world, units):
    assert _keys(world, units, ten_don_vi="so y te") == {"health", "hospital"}
    world.health.set_name("Sở Y tế và Dân số")
    db.session.commit()
    assert _keys(world, units, ten_don_vi="dan so") == {"health", "hospital"}


# --- The page ---------------------------------------------------------------------------------


def test_page_has_a_text_filter_and_no_list_of_every_unit(client, world, units):
    switch_to(client, world.secretariat)
    page = client.get("/mo-hinh").get_data(as_text=True)
    assert 'name="ten_don_vi"' in page and 'name="loai_don_vi"' in page
    assert 'name="don_vi"' not in page  # the old drop-down of every unit
    assert "Sở Y tế" not in page.split('data-testid="initiative-list"')[0]


def test_page_filters_by_typed_unit_and_says_which_units_matched(client, world, units):
    switch_to(client, world.secretariat)
    page = client.get("/mo-hinh?ten_don_vi=so+y+te").get_data(as_text=True)
    assert "Mô hình của Sở Y tế" in page and "Mô hình của Bệnh viện Đa khoa tỉnh" in page
    assert "Mô hình của Sở Tư pháp" not in page
    assert "Lọc theo 1 đơn vị khớp với “so y te”" in page
    assert "<strong>Sở Y tế (UBND tỉnh Ninh Bình)</strong>" in page
    assert 'value="so y te"' in page
    page = client.get("/mo-hinh?ten_don_vi=khong+co").get_data(as_text=True)
    assert "Không có đơn vị nào khớp với “khong co”" in page
    assert "Không có mô hình nào phù hợp." in page


def test_links_by_unit_id_still_work_and_show_the_unit(client, world, units):
    """The compliance view and the dashboard link to the list with `don_vi=<id>`."""
    switch_to(client, world.secretariat)
    page = client.get(f"/mo-hinh?don_vi={world.health.id}&nam=2026").get_data(as_text=True)
    assert "Mô hình của Bệnh viện Đa khoa tỉnh" in page and "Mô hình của Sở Tư pháp" not in page
    chosen = re.search(r'data-testid="chosen-unit">(.*?)</div>', page).group(1)
    assert "Sở Y tế (UBND tỉnh Ninh Bình)" in chosen and "bỏ lọc này" in chosen
    assert f'name="don_vi" value="{world.health.id}"' in page  # kept when other filters change
    removal = re.search(r'<a href="([^"]+)">bỏ lọc này', chosen).group(1).replace("&amp;", "&")
    assert "nam=2026" in removal and f"don_vi={world.health.id}" not in removal


def test_unit_kind_is_a_choice_on_the_page(client, world, units):
    switch_to(client, world.secretariat)
    page = client.get("/mo-hinh?loai_don_vi=commune").get_data(as_text=True)
    assert '<option value="commune" selected>' in page
    assert "Mô hình của UBND xã Tân Phú" in page and "Mô hình của Sở Y tế" not in page


def test_staff_get_no_unit_filter(client, world, units):
    switch_to(client, world.staff)
    page = client.get("/mo-hinh").get_data(as_text=True)
    assert 'name="ten_don_vi"' not in page and "registry-filters.js" not in page


def test_export_follows_the_typed_unit(client, world, units):
    switch_to(client, world.secretariat)
    response = client.get("/xuat-excel/mo-hinh?ten_don_vi=so+y+te")
    assert response.status_code == 200
    data = response.get_data()
    response.close()
    cells = [str(c.value) for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row if c.value]
    names = {c for c in cells if c.startswith("Mô hình của")}
    assert names == {"Mô hình của Sở Y tế", "Mô hình của Bệnh viện Đa khoa tỉnh"}
    assert any("đơn vị khớp “so y te”" in c for c in cells)


# --- Suggestions --------------------------------------------------------------------------------


def test_suggestions_while_typing(client, world, units):
    switch_to(client, world.secretariat)
    labels = [u["label"] for u in client.get("/mo-hinh/don-vi?q=y+te").get_json()["units"]]
    assert labels[0] == "Sở Y tế (UBND tỉnh Ninh Bình)"  # its own name matches: first
    assert "Bệnh viện Đa khoa tỉnh (Sở Y tế, UBND tỉnh Ninh Bình)" in labels
    labels = [u["label"] for u in client.get("/mo-hinh/don-vi?q=").get_json()["units"]]
    assert labels == ["UBND tỉnh Hà Tĩnh", "UBND tỉnh Ninh Bình"]  # nothing typed: the top of the tree
    assert client.get("/mo-hinh/don-vi?q=zzz").get_json() == {"units": []}


def test_suggestions_are_for_readers_of_every_unit_only(client, world, units):
    switch_to(client, world.staff)
    assert client.get("/mo-hinh/don-vi?q=y").status_code == 403
    switch_to(client, world.observer)
    assert client.get("/mo-hinh/don-vi?q=y").status_code == 200


# --- The capped count ---------------------------------------------------------------------------


@pytest.fixture
def seven(world, app, monkeypatch):
    """Seven submitted models, two to a page, counted up to four."""
    app.config["PAGE_SIZE"] = 2
    monkeypatch.setattr(services, "COUNT_CAP", 4)
    for n in range(7):
        factories.make_initiative(world.justice, name=f"Mô hình đếm {n}", status=Status.SUBMITTED)
    db.session.commit()


def _rows(page: str) -> list[str]:
    return re.findall(r">(Mô hình đếm \d)</a>", page)


def _names(page: str) -> list[str]:
    return re.findall(r'<td><a href="/mo-hinh/\d+">([^<]+)</a>', page)


def test_count_is_capped_and_says_more_than(client, world, seven):
    switch_to(client, world.secretariat)
    page = client.get("/mo-hinh?q=mo+hinh+dem").get_data(as_text=True)
    assert "Có hơn 4 mô hình phù hợp" in page
    assert _rows(page) == ["Mô hình đếm 0", "Mô hình đếm 1"]
    assert "q=mo+hinh+dem" in paging_link(page, "next") and paging_link(page, "prev") is None
    assert "page=" not in page  # paged by key: no page numbers


@pytest.mark.parametrize("cap", [4, 1000])
def test_paging_reaches_every_row_once_forward_and_back(client, world, seven, monkeypatch, cap):
    """Past the cap the database walks the order from the row a link names; under it the page
    is cut from every match's key. Either way each row comes once, in order, both ways."""
    monkeypatch.setattr(services, "COUNT_CAP", cap)
    switch_to(client, world.secretariat)
    forward, backward = walk(client, "/mo-hinh?q=mo+hinh+dem", _names, "q=mo+hinh+dem")
    assert [n for names in forward for n in names] == [f"Mô hình đếm {n}" for n in range(7)]
    assert [len(names) for names in forward] == [2, 2, 2, 1]
    assert backward == forward[::-1]


def test_count_under_the_cap_is_exact(client, world, seven):
    switch_to(client, world.secretariat)
    page = client.get("/mo-hinh?q=mo+hinh+dem+1").get_data(as_text=True)
    assert "Có 1 mô hình phù hợp." in page and "hơn" not in page.split('data-testid="initiative-list"')[0]


def test_page_size_is_the_configured_one_even_above_a_hundred(app, world, seven):
    for n in range(7, 110):
        factories.make_initiative(world.justice, name=f"Mô hình đếm {n}", status=Status.SUBMITTED)
    db.session.commit()
    with app.test_request_context("/mo-hinh"):
        page = services.page_of_initiatives(filtered_initiatives_query(world.secretariat, {}), per_page=150)
        assert len(page.items) == 110 and not page.has_next and not page.has_prev


@pytest.fixture
def mixed(world, app):
    """Models of two years whose names need the Vietnamese order, one to a page; the accepted
    ones of Sở Tư pháp are what the filters below keep, others are interleaved."""
    app.config["PAGE_SIZE"] = 1
    for name, year, status in (("Bình yên xóm nhỏ", 2026, Status.ACCEPTED), ("Ấp văn hóa", 2025, Status.ACCEPTED),
                               ("Ăn ở sạch", 2026, Status.ACCEPTED), ("An toàn giao thông", 2026, Status.ACCEPTED),
                               ("Đường quê", 2026, Status.ACCEPTED), ("Dân vui", 2026, Status.ACCEPTED),
                               ("Bến nước", 2026, Status.SUBMITTED), ("Ấp mới", 2025, Status.SUBMITTED)):
        factories.make_initiative(world.justice, name=name, year=year, status=status)
    factories.make_initiative(world.health, name="Ăn chín uống sôi", year=2026, status=Status.ACCEPTED)
    db.session.commit()


@pytest.mark.parametrize("cap", [1, 1000])
@pytest.mark.parametrize("filters", ["trang_thai=accepted", "trang_thai=accepted&don_vi={justice}"])
def test_paging_with_a_filter_keeps_the_list_order_both_ways(client, world, mixed, monkeypatch, cap, filters):
    """Newest year first, then Vietnamese dictionary order, with the filter kept on every link."""
    monkeypatch.setattr(services, "COUNT_CAP", cap)
    switch_to(client, world.secretariat)
    filters = filters.format(justice=world.justice.id)
    forward, backward = walk(client, f"/mo-hinh?{filters}", _names, filters)
    expected = ["An toàn giao thông", "Ăn ở sạch", "Bình yên xóm nhỏ", "Dân vui", "Đường quê", "Ấp văn hóa"]
    if "don_vi" not in filters:
        expected.insert(1, "Ăn chín uống sôi")
    assert [n for names in forward for n in names] == expected
    assert backward == forward[::-1]


def test_a_hand_edited_page_token_shows_the_first_page(client, world, mixed):
    switch_to(client, world.secretariat)
    response = client.get("/mo-hinh?trang_thai=accepted&sau=kh%C3%B4ng-ph%E1%BA%A3i")
    assert response.status_code == 200
    assert _names(response.get_data(as_text=True)) == ["An toàn giao thông"]


def test_a_link_past_a_deleted_model_still_reads_on(client, world, mixed):
    """The link names a row by its key, not its place: removing that row loses nothing."""
    switch_to(client, world.secretariat)
    first = client.get("/mo-hinh?trang_thai=accepted").get_data(as_text=True)
    from danvankheo.registry.models import Initiative

    db.session.delete(db.session.scalar(select(Initiative).where(Initiative.name == "An toàn giao thông")))
    db.session.commit()
    assert _names(client.get(paging_link(first, "next")).get_data(as_text=True)) == ["Ăn chín uống sôi"]
