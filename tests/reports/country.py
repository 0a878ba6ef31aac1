"""Two provinces under a national organiser, with known figures, built through the registry's
own workflow: the report by province (test_provinces.py) and its browser test share it."""

from __future__ import annotations

from dataclasses import dataclass, field

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.organisers.models import Organiser, OrganiserLevel
from danvankheo.organisers.services import default_organiser, make_organiser
from danvankheo.registry.models import Field
from danvankheo.units.models import UnitKind
from tests import factories

from .data import Province, at, finalise, register


@dataclass
class Country:
    national: Organiser
    provinces: dict[str, Organiser] = field(default_factory=dict)
    data: dict[str, Province] = field(default_factory=dict)
    commune: Organiser | None = None
    users: dict[str, User] = field(default_factory=dict)


def _person(role: Role, unit, name: str, organiser: Organiser) -> User:
    user = factories.make_user(role, unit=unit, full_name=name)
    user.set_roles({role}, organiser.id)
    return user


def _province(country: Country, key: str, name: str, code: str) -> Province:
    unit = factories.make_unit(name, kind=UnitKind.PROVINCE, code=code, parent=country.national.unit)
    organiser = make_organiser(unit, level=OrganiserLevel.PROVINCE, secretariat_name=f"Sở Nội vụ {key}")
    country.provinces[key] = organiser
    p = Province()
    p.secretariat = _person(Role.SECRETARIAT, unit, f"Thư ký {key}", organiser)
    country.users[f"{key}_observer"] = _person(Role.OBSERVER, unit, f"Theo dõi {key}", organiser)
    country.data[key] = p

    def add(short: str, unit_name: str, kind=UnitKind.DEPARTMENT, parent=unit) -> None:
        p.units[short] = factories.make_unit(unit_name, kind=kind, code=f"{code}-{short}", parent=parent)
        p.staff[short] = factories.make_user(Role.STAFF, unit=p.units[short])

    add("D1", f"Sở Tư pháp {key}")
    add("D2", f"Sở Y tế {key}")
    add("D3", f"Sở Xây dựng {key}")  # registers nothing
    add("C1", f"UBND xã Đông {key}", UnitKind.COMMUNE)
    add("P1", f"Trung tâm Y tế {key}", UnitKind.PUBLIC_SERVICE)  # out of the province's scope
    return p


def build_country() -> Country:
    """Two provinces under a national organiser; Ninh Bình has a commune running its own
    competition, whose division and model roll up into Ninh Bình.

    2026 (drafts count as registered, not as submitted):
    Ninh Bình: D1 accepted + submitted, D2 draft, C1 accepted, P1 submitted, the commune's
      division a submitted model; a finalised round grading D1's accepted Xuất sắc and C1's Tốt.
    Hà Nội: D1 submitted, D2 accepted ×2, C1 nothing; 2025: D1 accepted (another year).
    """
    national_unit = factories.make_unit("Ban Dân vận Trung ương", kind=UnitKind.OTHER, code="TW")
    c = Country(national=default_organiser())
    c.users["national_observer"] = _person(Role.OBSERVER, national_unit, "Vụ trưởng", c.national)
    nb = _province(c, "Ninh Bình", "UBND tỉnh Ninh Bình", "NB")
    commune_unit = factories.make_unit("UBND xã Gia Viễn", kind=UnitKind.COMMUNE, code="NB-XGV",
                                       parent=c.provinces["Ninh Bình"].unit)
    c.commune = make_organiser(commune_unit, level=OrganiserLevel.COMMUNE, secretariat_name="Văn phòng xã")
    nb.units["V1"] = factories.make_unit("Phòng Kinh tế xã Gia Viễn", kind=UnitKind.DIVISION, code="NB-XGV-KT",
                                         parent=commune_unit)
    nb.staff["V1"] = factories.make_user(Role.STAFF, unit=nb.units["V1"])
    hn = _province(c, "Hà Nội", "UBND thành phố Hà Nội", "HN")

    register(nb, "nb1", "D1", year=2026, field_=Field.ECONOMY, created=at(2026, 2, 1), submitted=at(2026, 3, 1),
             accepted=at(2026, 4, 1))
    register(nb, "nb2", "D1", year=2026, field_=Field.CULTURE_SOCIETY, created=at(2026, 2, 2),
             submitted=at(2026, 3, 2))
    register(nb, "nb3", "D2", year=2026, field_=Field.ECONOMY, created=at(2026, 5, 1))
    register(nb, "nb4", "C1", year=2026, field_=Field.POLITICAL_SYSTEM, created=at(2026, 1, 5),
             submitted=at(2026, 2, 1), accepted=at(2026, 2, 20))
    register(nb, "nb5", "P1", year=2026, field_=Field.DEFENCE_SECURITY, created=at(2026, 4, 1),
             submitted=at(2026, 4, 2))
    nb.secretariat = _person(Role.SECRETARIAT, commune_unit, "Thư ký xã", c.commune)
    register(nb, "nb6", "V1", year=2026, field_=Field.ECONOMY, created=at(2026, 6, 1), submitted=at(2026, 6, 5))
    round_ = finalise(nb, 2026, "Đợt đánh giá năm 2026 của tỉnh Ninh Bình", {"nb1": "excellent", "nb4": "good"},
                      finalised=at(2026, 11, 20))
    round_.organiser_id = c.provinces["Ninh Bình"].id

    register(hn, "hn1", "D1", year=2026, field_=Field.ECONOMY, created=at(2026, 3, 1), submitted=at(2026, 3, 10))
    register(hn, "hn2", "D2", year=2026, field_=Field.ECONOMY, created=at(2026, 3, 2), submitted=at(2026, 3, 11),
             accepted=at(2026, 3, 20))
    register(hn, "hn3", "D2", year=2026, field_=Field.CULTURE_SOCIETY, created=at(2026, 3, 3),
             submitted=at(2026, 3, 12), accepted=at(2026, 3, 21))
    register(hn, "hn0", "D1", year=2025, field_=Field.ECONOMY, created=at(2025, 3, 1), submitted=at(2025, 3, 10),
             accepted=at(2025, 4, 1))
    return c
