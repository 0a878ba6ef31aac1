"""Fixtures for the registry: a small province, open deadlines and a ready-to-submit model."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest

from danvankheo.core.roles import Role
from danvankheo.core.types import utcnow
from danvankheo.evidence.services import attach
from danvankheo.extensions import db
from danvankheo.registry.deadlines import set_year_settings
from danvankheo.units.models import UnitKind
from tests import factories
from tests.evidence.samples import pdf_bytes

_pdf_seq = itertools.count(1)


def add_evidence(initiative, data: bytes | None = None, name: str = "bao-cao.pdf", **kwargs):
    """Attach a (unique) small PDF through the real upload service."""
    data = data if data is not None else pdf_bytes(text=f"minh chứng {next(_pdf_seq)}")
    return attach(initiative, io.BytesIO(data), name, actor=None, **kwargs)


def switch_to(client, user) -> None:
    """Log the test client out and in again as `user`."""
    client.post("/dang-xuat")
    response = client.post("/dang-nhap", data={"login": user.login, "password": factories.PASSWORD})
    assert response.status_code == 302 and "/dang-nhap" not in response.headers["Location"]


@pytest.fixture
def open_years(app):
    """Deadlines of the years the tests use lie a month ahead, so submitting is on time."""
    for year in (2025, 2026, 2027):
        factories.ensure_organiser()
        set_year_settings(year, deadline_at=utcnow() + timedelta(days=30),
                          kinds=[UnitKind.DEPARTMENT, UnitKind.COMMUNE])
    db.session.commit()


@pytest.fixture
def world(app, open_years):
    """Two departments with one staff member each, and one account per other role."""
    province = factories.ensure_organiser()
    justice = factories.make_unit("Sở Tư pháp", parent=province, code="STP")
    health = factories.make_unit("Sở Y tế", parent=province, code="SYT")
    w = SimpleNamespace(
        province=province,
        justice=justice,
        health=health,
        staff=factories.make_user(Role.STAFF, unit=justice, full_name="Lê Minh Đức"),
        colleague=factories.make_user(Role.STAFF, unit=justice, full_name="Trần Văn Cùng"),
        other_staff=factories.make_user(Role.STAFF, unit=health, full_name="Phạm Thị Lan"),
        secretariat=factories.make_user(Role.SECRETARIAT, full_name="Trần Thị Thu Hà"),
        observer=factories.make_user(Role.OBSERVER, full_name="Bùi Thị Hạnh"),
        admin=factories.make_user(Role.ADMIN, full_name="Nguyễn Văn Quản"),
        evaluator=factories.make_user(Role.EVALUATOR, unit=health, full_name="Hoàng Văn Bình"),
    )
    db.session.commit()
    return w


@pytest.fixture
def ready(world):
    """A complete draft of Sở Tư pháp with one evidence file: it can be submitted."""
    initiative = factories.make_initiative(world.justice, name="Dân vận khéo trong cải cách hành chính",
                                           created_by=world.staff)
    add_evidence(initiative)
    db.session.commit()
    return initiative
