"""Two organisers (tests/two_levels.py), each with its supervisor (MTTQ), and a draft, a
submitted and a returned model beside the accepted ones."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative, Status
from tests.factories import make_initiative, make_user
from tests.two_levels import TwoLevels, build_two_levels


@dataclass
class Supervised:
    levels: TwoLevels
    mttq: User  # Ủy ban MTTQ tỉnh: supervises the province
    women: User  # Hội LHPN tỉnh: a second supervisor of the province
    mttq_commune: User  # Ủy ban MTTQ xã Gia Viễn
    accepted: Initiative  # the province's accepted model
    commune_accepted: Initiative
    draft: Initiative
    submitted: Initiative


def build_supervised() -> Supervised:
    levels = build_two_levels()
    province, commune = levels.province, levels.commune
    justice = province.units["justice"]
    world = Supervised(
        levels=levels,
        mttq=make_user(Role.SUPERVISOR, login="mttq.tinh", full_name="Nguyễn Thị Hòa",
                       position="Ủy ban MTTQ Việt Nam tỉnh", organiser_id=province.organiser.id),
        women=make_user(Role.SUPERVISOR, login="phunu.tinh", full_name="Lý Thị Tâm",
                        position="Hội Liên hiệp Phụ nữ tỉnh", organiser_id=province.organiser.id),
        mttq_commune=make_user(Role.SUPERVISOR, login="mttq.giavien", full_name="Phạm Văn Thuận",
                               position="Ủy ban MTTQ Việt Nam xã Gia Viễn", organiser_id=commune.organiser.id),
        accepted=province.models["justice"],
        commune_accepted=commune.models["culture"],
        draft=make_initiative(justice, name="Bản nháp của Sở Tư pháp", status=Status.DRAFT),
        submitted=make_initiative(justice, name="Đã nộp chờ tiếp nhận", status=Status.SUBMITTED),
    )
    db.session.commit()
    return world


@pytest.fixture
def sv(app) -> Supervised:
    return build_supervised()
