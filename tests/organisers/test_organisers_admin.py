"""The admin's organisers, and the refusals issue 14 names: each says why in Vietnamese and
changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.organisers.models import Organiser, OrganiserLevel
from danvankheo.organisers.services import OrganiserError, make_organiser, remove_organiser
from danvankheo.scoring import assignments, models, rounds
from danvankheo.scoring.errors import ScoringError
from danvankheo.units.models import Unit, UnitKind
from tests.factories import make_unit
from tests.security.harness import fingerprint

# fingerprint() reads through its own connection: the data must be committed to be seen.
pytestmark = pytest.mark.real_commits


def _units_of(organiser: Organiser) -> set[str]:
    return set(db.session.scalars(select(Unit.code).where(Unit.organiser_id == organiser.id)))


def test_the_admin_makes_a_commune_an_organiser_and_its_units_follow(client, login_as, app):
    province = make_unit("UBND tỉnh Ninh Bình", kind=UnitKind.PROVINCE, code="NB")
    commune = make_unit("UBND xã Gia Viễn", kind=UnitKind.COMMUNE, code="XGV", parent=province)
    make_unit("Trường THCS Gia Viễn", kind=UnitKind.PUBLIC_SERVICE, code="XGV-THCS", parent=commune)
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get("/quan-tri/co-quan-to-chuc/moi")
    assert page.status_code == 200 and "UBND xã Gia Viễn" in page.get_data(as_text=True)
    response = client.post("/quan-tri/co-quan-to-chuc/moi", data={
        "unit_id": commune.id, "level": "commune", "secretariat_name": "Văn phòng HĐND và UBND xã",
        "place_name": "Gia Viễn", "vote_threshold_percent": "51"})
    assert response.status_code == 302
    organiser = db.session.scalar(select(Organiser).where(Organiser.unit_id == commune.id))
    assert organiser.level is OrganiserLevel.COMMUNE and organiser.parent.unit_id == province.id
    assert _units_of(organiser) == {"XGV", "XGV-THCS"}
    assert "XGV" not in _units_of(organiser.parent)
    listing = client.get("/quan-tri/co-quan-to-chuc").get_data(as_text=True)
    assert "UBND xã Gia Viễn" in listing and "Văn phòng HĐND và UBND xã" in listing


def test_bad_organiser_forms_are_refused_with_a_reason(client, login_as, app):
    province = make_unit("UBND tỉnh Ninh Bình", kind=UnitKind.PROVINCE, code="NB")
    commune = make_unit("UBND xã Gia Viễn", kind=UnitKind.COMMUNE, code="XGV", parent=province)
    db.session.commit()
    login_as(Role.ADMIN)
    before = fingerprint(app)
    page = client.post("/quan-tri/co-quan-to-chuc/moi", data={
        "unit_id": commune.id, "level": "commune", "secretariat_name": "", "vote_threshold_percent": "150"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Vui lòng nhập" in html and "Lựa chọn không hợp lệ." in html
    # The province is already the (default) organiser: offered no more, refused if posted.
    page = client.post("/quan-tri/co-quan-to-chuc/moi", data={
        "unit_id": province.id, "level": "province", "secretariat_name": "Sở Nội vụ", "vote_threshold_percent": "51"})
    assert page.status_code == 200
    assert fingerprint(app) == before


def test_removing_an_organiser_that_has_rounds_is_refused(two_levels, app):
    w = two_levels
    before = fingerprint(app)
    with pytest.raises(OrganiserError, match="đã có đợt đánh giá"):
        remove_organiser(w.gia_vien)
    db.session.rollback()
    assert db.session.get(Organiser, w.gia_vien.id) is not None
    assert "XGV" in _units_of(w.gia_vien)
    with pytest.raises(OrganiserError, match="mặc định"):
        remove_organiser(w.province)
    db.session.rollback()
    assert fingerprint(app) == before


def test_removing_an_organiser_with_nothing_yet_gives_its_units_back(app):
    province = make_unit("UBND tỉnh Ninh Bình", kind=UnitKind.PROVINCE, code="NB")
    commune = make_unit("UBND xã Kim Sơn", kind=UnitKind.COMMUNE, code="XKS", parent=province)
    make_unit("Phòng Kinh tế", kind=UnitKind.DIVISION, code="XKS-KT", parent=commune)
    organiser = make_organiser(commune, level=OrganiserLevel.COMMUNE, secretariat_name="Văn phòng")
    assert _units_of(organiser) == {"XKS", "XKS-KT"}
    parent = organiser.parent
    remove_organiser(organiser)
    db.session.flush()
    assert {"XKS", "XKS-KT"} <= _units_of(parent)
    with pytest.raises(OrganiserError, match="đã là cơ quan tổ chức"):
        make_organiser(province, level=OrganiserLevel.PROVINCE)


def test_a_round_never_mixes_two_organisers(two_levels):
    """A commune's round cannot reach into another organiser's units, take their models, or
    seat another organiser's council member."""
    w = two_levels
    secretariat = w.users["gia_vien_secretariat"]
    with pytest.raises(ScoringError, match="hai cơ quan tổ chức"):
        rounds.create_round(rounds.RoundSettings(name="Đợt sai", year=2026, scope_unit_id=w.units["justice"].id),
                            by=secretariat, organiser_id=w.gia_vien.id)
    db.session.rollback()
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt 2 xã Gia Viễn", year=2026),
                                 by=secretariat, organiser_id=w.gia_vien.id, include_eligible=False)
    with pytest.raises(ScoringError, match="thuộc đơn vị của cơ quan tổ chức đợt"):
        rounds.add_entries(round_, [w.models["justice"].id], by=secretariat)
    with pytest.raises(ScoringError, match="không phải thành viên hội đồng chấm đang hoạt động"):
        assignments.set_panel(round_, [w.users["province_evaluator"]], by=secretariat)
    assert db.session.scalar(select(func.count()).select_from(
        select(models.RoundEntry).where(models.RoundEntry.round_id == round_.id).subquery())) == 0
