"""The security world (world.py) owned by one organiser, and people of other organisers.

Two ways round (issue 14):
- `PROVINCE_OWNS`: the world belongs to the province (the default organiser); commune B, a
  commune under the province made organiser, looks at it.
- `COMMUNE_OWNS`: the world is built inside commune A (its units under A's unit, its
  secretariat, observer and council granted in A); commune B and the province's own
  secretariat, staff and observer look at it.

The strings in PRIVATE name the world's objects that no other organiser may read; those in
PUBLIC_IN_LIBRARY are also private, except in the public library, which shows accepted models
(with their unit, dossier and the round that graded them) to anybody by design.
"""

from __future__ import annotations

from datetime import timedelta

from danvankheo.core.roles import Role
from danvankheo.core.types import utcnow
from danvankheo.organisers.models import Organiser, OrganiserLevel
from danvankheo.organisers.services import make_organiser, organiser_of_unit
from danvankheo.units.models import UnitKind
from tests import factories
from tests.security.policy import (
    COMMUNE_EVALUATOR,
    COMMUNE_OBSERVER,
    COMMUNE_SECRETARIAT,
    COMMUNE_STAFF,
    COMMUNE_SUPERVISOR,
    PROVINCE_OBSERVER,
    PROVINCE_SECRETARIAT,
    PROVINCE_STAFF,
    PROVINCE_SUPERVISOR,
)
from tests.security.world import World, build_world

PROVINCE_OWNS, COMMUNE_OWNS = "province-owns", "commune-owns"

DRAFT_PROPOSAL_TITLE = "Tờ trình đề nghị khen riêng của đơn vị tổ chức"
APPROVED_PROPOSAL_TITLE = "Danh sách đã khen riêng của đơn vị tổ chức"

PRIVATE = (
    # Models never accepted, the round being scored, the proposals.
    "Bản nháp của Sở Tư pháp", "Đã nộp chờ tiếp nhận", "Bản nháp của Sở Y tế",
    "Đợt đánh giá 2027", DRAFT_PROPOSAL_TITLE, APPROVED_PROPOSAL_TITLE, "125/TTr-SNV",
    # The organiser's people: secretariat, observer, council, staff, a model's members.
    "Trần Thị Thu Hà", "Bùi Thị Hạnh", "Hoàng Văn Bình", "Vũ Thị Ánh", "Đỗ Quang Vinh",
    "Lê Minh Đức", "Phạm Thị Lan", "Đinh Công Tráng", "Nguyễn Văn Một", "Nguyễn Thị Hằng", "Lê Văn Đạt",
    # An extension's reason and an evaluator's comment.
    "Lý do gia hạn", "Nhận xét justice",
    # The Mặt trận Tổ quốc's supervisor and its opinion.
    "Lương Văn Giám", "Ý kiến giám sát riêng",
)
PUBLIC_IN_LIBRARY = (
    "Tư pháp tận nhà", "Khám bệnh lưu động", "Tư pháp gần dân, vì dân", "Dân vận ở thôn bản",
    "Đợt đánh giá mô hình năm 2026",  # the grade badge names the round that graded the model
)
# The public pages of accepted models: the library, and the people's survey (issue 23).
LIBRARY_ENDPOINTS = {"showcase.index", "showcase.detail", "feedback.survey", "feedback.thanks"}


def foreign_actors(owner: str) -> tuple[str, ...]:
    commune_b = (COMMUNE_SECRETARIAT, COMMUNE_OBSERVER, COMMUNE_EVALUATOR, COMMUNE_STAFF, COMMUNE_SUPERVISOR)
    return commune_b if owner == PROVINCE_OWNS else (*commune_b, PROVINCE_SECRETARIAT, PROVINCE_STAFF,
                                                     PROVINCE_OBSERVER, PROVINCE_SUPERVISOR)


def private_strings(endpoint: str) -> tuple[str, ...]:
    """The world's strings that a page of `endpoint` must not show to another organiser."""
    return PRIVATE if endpoint in LIBRARY_ENDPOINTS else PRIVATE + PUBLIC_IN_LIBRARY


def build_organiser_world(owner: str) -> World:
    """The world of world.py owned by the province or by commune A, with the foreign actors
    in `World.users` beside the home ones and the owner in `World.objects["owner"]`."""
    province = factories.ensure_organiser()
    if owner == PROVINCE_OWNS:
        world = build_world()
        world_organiser = organiser_of_unit(province)
    else:
        commune_a = factories.make_unit("UBND xã Gia Sinh", kind=UnitKind.COMMUNE, parent=province, code="W-XGS")
        world_organiser = make_organiser(commune_a, level=OrganiserLevel.COMMUNE,
                                         secretariat_name="Văn phòng HĐND và UBND xã Gia Sinh")
        # registry.deadlines.grant_extension compares with the default organiser's deadline,
        # not the unit's organiser's: the province sets the same 2027 deadline so that the
        # world's extension can be granted.
        from danvankheo.registry.deadlines import set_year_settings

        set_year_settings(2027, deadline_at=utcnow() + timedelta(days=30), kinds=[UnitKind.DEPARTMENT],
                          organiser_id=organiser_of_unit(province).id)
        with factories.inside_organiser(world_organiser):
            world = build_world(organiser_id=world_organiser.id)
    _mark_proposals(world)

    commune_b = factories.make_unit("UBND xã Gia Hưng", kind=UnitKind.COMMUNE, parent=province, code="W-XGH")
    make_organiser(commune_b, level=OrganiserLevel.COMMUNE, secretariat_name="Văn phòng HĐND và UBND xã Gia Hưng")
    office_b = factories.make_unit("Văn phòng UBND xã Gia Hưng", kind=UnitKind.OTHER, parent=commune_b,
                                   code="W-XGH-VP")
    farmers_b = factories.make_unit("Hội Nông dân xã Gia Hưng", kind=UnitKind.OTHER, parent=commune_b,
                                    code="W-XGH-ND")
    world.users.update({
        COMMUNE_SECRETARIAT: factories.make_user(Role.SECRETARIAT, unit=office_b, login="b.thuky",
                                                 full_name="Ngô Thị Xuân"),
        COMMUNE_OBSERVER: factories.make_user(Role.OBSERVER, unit=office_b, login="b.theodoi",
                                              full_name="Tạ Văn Hưng"),
        COMMUNE_EVALUATOR: factories.make_user(Role.EVALUATOR, unit=office_b, login="b.giamkhao",
                                               full_name="Lương Thị Mai"),
        COMMUNE_STAFF: factories.make_user(Role.STAFF, unit=farmers_b, login="b.canbo", full_name="Đặng Văn Khoa"),
        COMMUNE_SUPERVISOR: factories.make_user(Role.SUPERVISOR, unit=office_b, login="b.mttq",
                                                full_name="Hà Thị Mặt", position="Ủy ban MTTQ xã Gia Hưng"),
    })
    if owner == COMMUNE_OWNS:
        office_p = factories.make_unit("Sở Nội vụ", parent=province, code="W-SNV")
        department_p = factories.make_unit("Sở Xây dựng", parent=province, code="W-SXD")
        world.users.update({
            PROVINCE_SECRETARIAT: factories.make_user(Role.SECRETARIAT, unit=office_p, login="p.thuky",
                                                      full_name="Chu Thị Nga"),
            PROVINCE_STAFF: factories.make_user(Role.STAFF, unit=department_p, login="p.canbo",
                                                full_name="Kiều Văn Sơn"),
            PROVINCE_OBSERVER: factories.make_user(Role.OBSERVER, unit=office_p, login="p.theodoi",
                                                   full_name="Mạc Thị Hoa"),
            PROVINCE_SUPERVISOR: factories.make_user(Role.SUPERVISOR, unit=office_p, login="p.mttq",
                                                     full_name="Tô Văn Trận", position="Ủy ban MTTQ tỉnh"),
        })
    world.objects["owner"] = world_organiser
    _check_ownership(world, world_organiser, owner)
    return world


def _mark_proposals(world: World) -> None:
    """Proposal titles that no page writes on its own (the world's are generic words)."""
    world.objects["proposal_id"].title = DRAFT_PROPOSAL_TITLE
    world.objects["approved_proposal"].title = APPROVED_PROPOSAL_TITLE


def _check_ownership(world: World, world_organiser: Organiser, owner: str) -> None:
    """The world is what the test believes: every object in the world's organiser, every
    foreign actor acting for another."""
    objects = world.objects
    for name in ("unit_id", "unit_b"):
        assert objects[name].organiser_id == world_organiser.id, name
    for name in ("initiative_id", "draft", "draft_b", "submitted"):
        assert objects[name].unit.organiser_id == world_organiser.id, name
    for name in ("round_id", "finalised_round"):
        assert objects[name].organiser_id == world_organiser.id, name
    for actor in ("secretariat", "observer", "evaluator_assigned", "evaluator_unassigned", "supervisor"):
        assert world.users[actor].acting_organiser_id == world_organiser.id, actor
    for actor in foreign_actors(owner):
        assert world.users[actor].acting_organiser_id != world_organiser.id, actor
