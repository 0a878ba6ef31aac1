"""The demo data: realistic models in every state, rendered without errors, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from danvankheo.demo import DEMO_PASSWORD, seed_demo
from danvankheo.evidence.models import Evidence
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative, Status


def test_demo_models_cover_every_state_and_render(app, client):
    assert seed_demo()
    db.session.commit()
    statuses = dict(db.session.execute(select(Initiative.status, func.count()).group_by(Initiative.status)).all())
    assert statuses[Status.ACCEPTED] >= 6 and statuses[Status.RETURNED] >= 1 and statuses[Status.DRAFT] >= 1
    assert db.session.scalar(select(func.count()).where(Initiative.year == 2026)) >= 12
    assert db.session.scalar(select(func.count()).where(Initiative.continues_id.is_not(None))) >= 2
    assert db.session.scalar(select(func.count()).where(Initiative.replicates_id.is_not(None))) >= 1
    assert db.session.scalar(select(func.count()).where(Evidence.is_public.is_(True))) >= 5
    # The province's observer reads every submitted model, the commune's (Gia Viễn) included.
    client.post("/dang-nhap", data={"login": "theodoi", "password": DEMO_PASSWORD})
    for item in db.session.scalars(select(Initiative).where(Initiative.status != Status.DRAFT)):
        assert client.get(f"/mo-hinh/{item.id}").status_code == 200
    client.post("/dang-xuat")
    client.post("/dang-nhap", data={"login": "noivu", "password": DEMO_PASSWORD})
    assert client.get("/mo-hinh/tinh-hinh-dang-ky?nam=2026").status_code == 200
    assert client.get("/trang-chu").status_code == 200
    client.post("/dang-xuat")
    page = client.get("/thu-vien").get_data(as_text=True)
    assert "Dân vận khéo trong dồn điền đổi thửa" in page
    assert not seed_demo()  # loaded once
