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


@pytest.fixture
def library_shelf(world, app):
    """Thirty accepted models in two fields and three years, namesakes among them, with
    drafts around; half scored in a published round (ties included) and some higher in a round
    not published; some replicated by others. Four to a page."""
    from decimal import Decimal

    from danvankheo.registry.models import Field
    from danvankheo.scoring.models import Round, RoundState
    from danvankheo.scoring.snapshots import RankingSnapshot, RankingSnapshotRow

    names = ["Dân vận khéo ở khu dân cư", "Ánh sáng đường quê", "Bữa cơm nghĩa tình", "Đường hoa nông thôn mới",
             "Chợ văn minh", "An toàn giao thông"]
    models = []
    for n in range(30):
        models.append(factories.make_initiative(
            (world.justice, world.health)[n % 2], name=names[n % len(names)], year=2024 + n % 3,
            status=Status.ACCEPTED, field=(Field.ECONOMY, Field.CULTURE_SOCIETY)[n % 3 == 0]))
        factories.make_initiative(world.health, name=names[n % len(names)], status=Status.SUBMITTED,
                                  field=Field.ECONOMY)
    for n, model in enumerate(models[1:11]):  # replications: 0, 1 or 2 copies, ties included
        for copy in models[11 + n:11 + n + n % 3]:
            copy.replicates_id = model.id
    organiser_id = world.secretariat.acting_organiser_id
    published = Round(organiser_id=organiser_id, year=2026, name="Vòng đã công bố", state=RoundState.FINALISED)
    hidden = Round(organiser_id=organiser_id, year=2026, name="Vòng đang chấm", state=RoundState.SCORING)
    db.session.add_all([published, hidden])
    db.session.flush()
    for round_, chosen, total in ((published, models[::2], lambda n: Decimal(60 + n % 4 * 5)),
                                  (hidden, models[1::2], lambda n: Decimal(99))):
        snapshot = RankingSnapshot(round_id=round_.id)
        db.session.add(snapshot)
        db.session.flush()
        for n, model in enumerate(chosen):
            db.session.add(RankingSnapshotRow(
                snapshot_id=snapshot.id, initiative_id=model.id, position=n + 1, rank=n + 1, name=model.name,
                unit_id=model.unit_id, unit_name=model.unit.name, unit_kind=model.unit.kind, field=model.field,
                total=total(n), is_complete=True, submitted_count=3, assigned_count=3))
    db.session.commit()
    app.config["PAGE_SIZE"] = 4
    scores = {}
    for row in db.session.scalars(select(RankingSnapshotRow).join(RankingSnapshot)
                                  .where(RankingSnapshot.round_id == published.id)):
        scores[row.initiative_id] = row.total
    copies = {m.id: sum(1 for c in models if c.replicates_id == m.id) for m in models}
    return models, scores, copies


@pytest.mark.parametrize("sort", ["moi-nhat", "diem", "nhan-rong", "ten"])
def test_the_library_is_paged_by_key_in_each_sort_with_a_filter(client, library_shelf, sort):
    """With a field chosen, each public model of it comes once in the chosen order (the id
    between equals), forward and back; the count is that of every match, not of the page."""
    import re

    from danvankheo.registry.models import Field
    from tests.keyset_walk import walk

    models, scores, copies = library_shelf
    chosen = [m for m in models if m.field is Field.ECONOMY]
    order = {
        "moi-nhat": lambda m: (-m.year, m.sort_name, m.id),
        "ten": lambda m: (m.sort_name, m.id),
        "diem": lambda m: (m.id not in scores, -scores.get(m.id, 0), -m.year, m.sort_name, m.id),
        "nhan-rong": lambda m: (-copies[m.id], -m.year, m.sort_name, m.id),
    }[sort]
    expected = [m.id for m in sorted(chosen, key=order)]
    url = f"/thu-vien?linh_vuc=economy&sap_xep={sort}"
    forward, backward = walk(client, url, lambda page: [int(i) for i in re.findall(
        r'<h2 class="h6 card-title"><a href="/thu-vien/(\d+)">', page)], "linh_vuc=economy")
    assert all(len(ids) == 4 for ids in forward[:-1]) and len(forward) > 3
    assert [i for ids in forward for i in ids] == expected
    assert backward == forward[::-1]
    assert f"{len(chosen)} mô hình" in client.get(url).get_data(as_text=True)
