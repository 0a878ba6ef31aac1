"""The list: diacritics-insensitive search (SQLite and PostgreSQL alike), filters, pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.registry.models import Field, Initiative, InitiativeKind, InitiativeTag, Status
from danvankheo.registry.services import filtered_initiatives_query
from danvankheo.units.models import UnitKind
from tests import factories
from tests.keyset_walk import paging_link
from tests.registry.conftest import switch_to


@pytest.fixture
def catalogue(world):
    hospital = factories.make_unit("Bệnh viện Đa khoa tỉnh", kind=UnitKind.PUBLIC_SERVICE, parent=world.health,
                                   code="BVDK")
    items = {
        "kheo": factories.make_initiative(world.justice, name="Dân vận khéo trong cải cách hành chính",
                                          status=Status.SUBMITTED),
        "dien": factories.make_initiative(world.health, name="Đường điện sáng, an toàn",
                                          status=Status.ACCEPTED, field=Field.ECONOMY, year=2025),
        "benhvien": factories.make_initiative(hospital, name="Bệnh viện thân thiện với người bệnh",
                                              status=Status.ACCEPTED, kind=InitiativeKind.INDIVIDUAL),
        "percent": factories.make_initiative(world.justice, name="Giảm 50% thời gian chờ", status=Status.SUBMITTED),
    }
    items["dien"].tags.append(InitiativeTag(tag="Chuyển đổi số"))
    db.session.flush()
    items["dien"].refresh_search_text()
    db.session.commit()
    return items


def _names(user, **args) -> set[str]:
    return {i.name for i in db.session.scalars(filtered_initiatives_query(user, args))}


@pytest.mark.parametrize("query", ["dan van kheo", "Dân vận khéo", "DAN VAN KHEO", "dân VẬN kheo", "  dan   van  "])
def test_search_ignores_diacritics_and_case(world, catalogue, query):
    assert _names(world.secretariat, q=query) == {catalogue["kheo"].name}


@pytest.mark.parametrize("query", ["duong dien", "đường điện", "ĐƯỜNG", "d", "chuyen doi so", "Chuyển đổi số"])
def test_d_matches_dj_and_tags_are_searched(world, catalogue, query):
    assert catalogue["dien"].name in _names(world.secretariat, q=query)


def test_search_matches_the_unit_name(world, catalogue):
    assert _names(world.secretariat, q="so tu phap") == {catalogue["kheo"].name, catalogue["percent"].name}


def test_like_wildcards_are_taken_literally(world, catalogue):
    assert _names(world.secretariat, q="50%") == {catalogue["percent"].name}
    assert _names(world.secretariat, q="%") == {catalogue["percent"].name}
    assert _names(world.secretariat, q="_") == set()


def test_unit_filter_includes_sub_units(world, catalogue):
    assert _names(world.secretariat, don_vi=str(world.health.id)) == {catalogue["dien"].name,
                                                                       catalogue["benhvien"].name}
    assert _names(world.secretariat, don_vi=str(world.province.id)) == {i.name for i in catalogue.values()}


def test_year_field_status_and_kind_filters(world, catalogue):
    assert _names(world.secretariat, nam="2025") == {catalogue["dien"].name}
    assert _names(world.secretariat, linh_vuc="economy") == {catalogue["dien"].name}
    assert _names(world.secretariat, trang_thai="accepted") == {catalogue["dien"].name, catalogue["benhvien"].name}
    assert _names(world.secretariat, loai="individual") == {catalogue["benhvien"].name}
    # Garbage in the query string is ignored rather than failing.
    assert len(_names(world.secretariat, nam="abc", linh_vuc="x", trang_thai="y", loai="z", don_vi="q")) == 4


def test_filters_never_widen_visibility(world, catalogue):
    draft = factories.make_initiative(world.health, name="Bản nháp dân vận khéo")
    db.session.commit()
    assert draft.name not in _names(world.secretariat, q="dan van kheo", trang_thai="draft")
    assert _names(world.staff, don_vi=str(world.health.id)) == set()


def test_list_page_searches_and_paginates(client, app, world, catalogue):
    for n in range(7):
        factories.make_initiative(world.justice, name=f"Mô hình phân trang {n:02d}", status=Status.SUBMITTED)
    db.session.commit()
    app.config["PAGE_SIZE"] = 5
    switch_to(client, world.secretariat)
    page1 = client.get("/mo-hinh?q=mo+hinh+phan+trang").get_data(as_text=True)
    assert "Mô hình phân trang 00" in page1 and "Mô hình phân trang 05" not in page1
    assert "Có 7 mô hình phù hợp." in page1
    after = paging_link(page1, "next")
    assert "q=mo+hinh+phan+trang" in after
    page2 = client.get(after).get_data(as_text=True)
    assert "Mô hình phân trang 05" in page2 and "Mô hình phân trang 06" in page2
    assert "Mô hình phân trang 04" not in page2 and 'rel="next"' not in page2
    assert client.get("/mo-hinh?page=99").status_code == 200  # an old numbered link: the first page


def test_search_text_is_plain_folded_text(world, catalogue):
    stored = db.session.scalar(select(Initiative.search_text).where(Initiative.id == catalogue["kheo"].id))
    assert stored == "dan van kheo trong cai cach hanh chinh so tu phap"
