"""The public showcase: no login, accepted models only, public fields only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from danvankheo.evidence.models import Evidence
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from tests import factories
from tests.evidence import samples
from tests.registry.conftest import add_evidence


@pytest.fixture
def gallery(world):
    accepted = factories.make_initiative(world.justice, name="Dân vận khéo trong cải cách hành chính",
                                         status=Status.ACCEPTED, lead_phone="0912 345 678",
                                         members=[("Nguyễn Thị Kín", "Chuyên viên")])
    photo = add_evidence(accepted, samples.png_bytes(), "Ảnh tổ công tác.png", is_public=True)
    internal = add_evidence(accepted, samples.pdf_bytes(text="nội bộ"), "Báo cáo nội bộ.pdf")
    others = {s: factories.make_initiative(world.health, name=f"Mô hình {s.value} dân vận khéo", status=s)
              for s in Status if s is not Status.ACCEPTED}
    public_of_draft = add_evidence(others[Status.SUBMITTED], samples.jpeg_bytes(), "anh.jpg", is_public=True)
    db.session.commit()
    return {"accepted": accepted, "photo": photo, "internal": internal, "others": others,
            "public_of_draft": public_of_draft}


def test_showcase_lists_only_accepted_models_without_login(client, gallery):
    response = client.get("/thu-vien")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert gallery["accepted"].name in page
    for other in gallery["others"].values():
        assert other.name not in page
    assert f"/minh-chung/{gallery['photo'].id}/anh-nho" in page


@pytest.mark.parametrize("query", ["dan van kheo", "DÂN VẬN KHÉO", "cai cach"])
def test_showcase_search_ignores_diacritics(client, gallery, query):
    page = client.get("/thu-vien", query_string={"q": query}).get_data(as_text=True)
    assert gallery["accepted"].name in page
    assert "Mô hình submitted" not in page


def test_public_detail_hides_phone_members_and_private_evidence(client, gallery):
    item = gallery["accepted"]
    response = client.get(f"/thu-vien/{item.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert item.name in page and item.results_qualitative in page and item.lead_name in page
    assert "0912 345 678" not in page and "912" not in page
    assert "Nguyễn Thị Kín" not in page
    assert "Ảnh tổ công tác.png" in page and "Báo cáo nội bộ.pdf" not in page


@pytest.mark.parametrize("status", [s for s in Status if s is not Status.ACCEPTED], ids=lambda s: s.value)
def test_models_not_accepted_are_not_found(client, gallery, status):
    assert client.get(f"/thu-vien/{gallery['others'][status].id}").status_code == 404


def test_anonymous_downloads_only_public_evidence_of_accepted_models(client, gallery):
    assert client.get(f"/minh-chung/{gallery['photo'].id}").status_code == 200
    assert client.get(f"/minh-chung/{gallery['photo'].id}/anh-nho").status_code == 200
    for key in ("internal", "public_of_draft"):
        response = client.get(f"/minh-chung/{gallery[key].id}")
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_unpublishing_hides_the_file_again(client, gallery):
    photo = db.session.scalar(select(Evidence).where(Evidence.id == gallery["photo"].id))
    photo.is_public = False
    db.session.commit()
    assert client.get(f"/minh-chung/{photo.id}").status_code == 302
    assert "Ảnh tổ công tác.png" not in client.get(f"/thu-vien/{gallery['accepted'].id}").get_data(as_text=True)


def test_replication_links_are_public_between_accepted_models(client, world, gallery):
    copy = factories.make_initiative(world.health, name="Nhân rộng cải cách hành chính", status=Status.ACCEPTED,
                                     replicates_id=gallery["accepted"].id)
    db.session.commit()
    page = client.get(f"/thu-vien/{gallery['accepted'].id}").get_data(as_text=True)
    assert "Đơn vị đã nhân rộng" in page and copy.name in page
    page = client.get(f"/thu-vien/{copy.id}").get_data(as_text=True)
    assert "Nhân rộng từ" in page and gallery["accepted"].name in page
