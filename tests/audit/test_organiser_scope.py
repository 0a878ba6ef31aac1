"""The trail per organiser: a commune's secretariat reads its own commune's events, never the
province's nor another commune's; the admin reads everything."""

from __future__ import annotations

import pytest

from danvankheo.audit.services import record
from danvankheo.extensions import db
from danvankheo.organisers import nominations
from tests.organisers.world import build_two_levels


def _rows(client) -> list[tuple[str, str]]:
    page = client.get("/nhat-ky?page=1").get_data(as_text=True)
    rows = page.split("<tr data-action=")[1:]
    return [(row.split('"')[1], row) for row in rows]


@pytest.fixture
def world(app):
    w = build_two_levels()
    nomination = nominations.nominate(w.models["culture"], "Đề nghị tỉnh xét", by=w.users["gia_vien_secretariat"])
    nominations.accept(nomination, by=w.users["province_secretariat"])
    record("initiative.update", w.models["justice"], actor=w.users["province_secretariat"],
           changes={"name": ["Tư pháp", "Tư pháp gần dân"]})
    record("initiative.update", w.models["gia_hung"], actor=w.users["gia_hung_secretariat"],
           changes={"name": ["Gia Hưng", "Xã Gia Hưng nói đi đôi với làm"]})
    db.session.commit()
    return w


def _labels(client) -> str:
    return " ".join(row for _, row in _rows(client))


def test_each_secretariat_reads_its_own_organisers_events(world, client, login_as):
    w = world
    login_as(w.users["gia_vien_secretariat"])
    seen = _labels(client)
    assert "Đợt đánh giá xã Gia Viễn năm 2026" in seen  # its round
    assert "Dân vận khéo ở thôn bản" in seen  # its model, proposed and accepted by the province
    assert {"nomination.create", "nomination.accept"} <= {action for action, _ in _rows(client)}
    assert "Tư pháp gần dân" not in seen  # the province's model
    assert "Xã Gia Hưng nói đi đôi với làm" not in seen  # another commune's model

    client.post("/dang-xuat")
    login_as(w.users["gia_hung_secretariat"])
    seen = _labels(client)
    assert "Xã Gia Hưng nói đi đôi với làm" in seen
    assert "Dân vận khéo ở thôn bản" not in seen and "Đợt đánh giá xã Gia Viễn" not in seen
    assert "Tư pháp gần dân" not in seen

    client.post("/dang-xuat")
    login_as(w.users["province_secretariat"])
    seen = _labels(client)
    assert "Tư pháp gần dân" in seen
    assert "nomination.accept" in {action for action, _ in _rows(client)}  # the proposal it received
    assert "Đợt đánh giá xã Gia Viễn năm 2026" not in seen and "Xã Gia Hưng nói đi đôi với làm" not in seen


def test_the_admin_reads_everything(world, client, login_as):
    from danvankheo.core.roles import Role

    login_as(Role.ADMIN)
    seen = _labels(client)
    assert "Tư pháp gần dân" in seen and "Xã Gia Hưng nói đi đôi với làm" in seen
    assert "Đợt đánh giá xã Gia Viễn năm 2026" in seen
