"""A realistic demo province for `flask seed-demo` and `make run`."""

from __future__ import annotations

from sqlalchemy import select

from .auth.models import User
from .auth.services import create_user
from .core.roles import Role
from .extensions import db
from .organisers.models import Organiser, OrganiserLevel
from .organisers.services import make_organiser
from .registry.deadlines import default_deadline, set_year_settings
from .units.models import Unit, UnitKind
from .units.services import create_unit

DEMO_PASSWORD = "DanVanKheo2026"

# (code, name, kind, parent code)
DEMO_UNITS = [
    ("NB", "UBND tỉnh Ninh Bình", UnitKind.PROVINCE, None),
    ("BDV", "Ban Dân vận Tỉnh ủy", UnitKind.OTHER, None),
    ("SNV", "Sở Nội vụ", UnitKind.DEPARTMENT, "NB"),
    ("STP", "Sở Tư pháp", UnitKind.DEPARTMENT, "NB"),
    ("SYT", "Sở Y tế", UnitKind.DEPARTMENT, "NB"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", UnitKind.DEPARTMENT, "NB"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", UnitKind.DEPARTMENT, "NB"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", UnitKind.DEPARTMENT, "NB"),
    ("BVDK", "Bệnh viện Đa khoa tỉnh", UnitKind.PUBLIC_SERVICE, "SYT"),
    ("PHL", "UBND phường Hoa Lư", UnitKind.COMMUNE, "NB"),
    ("PTD", "UBND phường Tam Điệp", UnitKind.COMMUNE, "NB"),
    ("XGV", "UBND xã Gia Viễn", UnitKind.COMMUNE, "NB"),
    ("XDT", "UBND xã Đồng Thái", UnitKind.COMMUNE, "NB"),
    ("XKS", "UBND xã Kim Sơn", UnitKind.COMMUNE, "NB"),
    # Gia Viễn runs its own competition (a commune organiser): its own units below it.
    ("XGV-VP", "Văn phòng HĐND và UBND xã", UnitKind.DIVISION, "XGV"),
    ("XGV-KT", "Phòng Kinh tế", UnitKind.DIVISION, "XGV"),
    ("XGV-VHXH", "Phòng Văn hóa - Xã hội", UnitKind.DIVISION, "XGV"),
    ("XGV-TYT", "Trạm Y tế xã", UnitKind.PUBLIC_SERVICE, "XGV"),
    ("XGV-THCS", "Trường THCS Gia Viễn", UnitKind.PUBLIC_SERVICE, "XGV"),
]

# The commune organiser of the demo and the names its documents print.
COMMUNE_ORGANISER = "XGV"
COMMUNE_SETTINGS = dict(
    secretariat_name="Văn phòng HĐND và UBND xã",
    parent_body_name="UBND xã Gia Viễn",
    issuing_body_name="Văn phòng HĐND và UBND",
    number_suffix="VP",
    place_name="Gia Viễn",
    signer_title="Chánh Văn phòng",
    signer_name="Phạm Văn Hùng",
    decision_body_name="UBND xã Gia Viễn",
    decision_number_suffix="UBND",
    submission_addressee="Chủ tịch UBND xã Gia Viễn",
)

# (login, full name, unit code, roles)
DEMO_ACCOUNTS = [
    ("admin", "Nguyễn Văn Quản", None, {Role.ADMIN}),
    ("noivu", "Trần Thị Thu Hà", "SNV", {Role.SECRETARIAT}),
    ("canbo.tuphap", "Lê Minh Đức", "STP", {Role.STAFF}),
    ("canbo.yte", "Phạm Thị Lan", "SYT", {Role.STAFF}),
    ("canbo.hoalu", "Đinh Công Tráng", "PHL", {Role.STAFF}),
    ("giamkhao1", "Hoàng Văn Bình", "SNV", {Role.EVALUATOR}),
    ("giamkhao2", "Vũ Thị Ánh", "STP", {Role.EVALUATOR}),
    ("giamkhao3", "Đỗ Quang Vinh", "BDV", {Role.EVALUATOR}),
    ("theodoi", "Bùi Thị Hạnh", "BDV", {Role.OBSERVER}),
    # Gia Viễn: its secretariat, a staff member and its council (roles held in the commune).
    ("thuky.giavien", "Nguyễn Thị Thu Trang", "XGV-VP", {Role.SECRETARIAT}),
    ("canbo.giavien", "Trịnh Văn Long", "XGV-VHXH", {Role.STAFF}),
    ("giamkhao.giavien", "Lại Thị Hồng", "XGV-VP", {Role.EVALUATOR}),
    ("giamkhao.giavien2", "Đào Văn Sơn", "XGV-VP", {Role.EVALUATOR}),
    # The Mặt trận Tổ quốc of each level supervises its organiser's accepted models: the
    # province's (no unit: the default organiser) and Gia Viễn's (held at the commune).
    ("mttq", "Nguyễn Thị Hòa", None, {Role.SUPERVISOR}),
    ("mttq.giavien", "Phạm Văn Thuận", "XGV", {Role.SUPERVISOR}),
]

POSITIONS = {
    Role.ADMIN: "Chuyên viên Công nghệ thông tin",
    Role.SECRETARIAT: "Chuyên viên Phòng Nội vụ",
    Role.STAFF: "Chuyên viên",
    Role.EVALUATOR: "Phó Giám đốc",
    Role.OBSERVER: "Phó Trưởng ban Dân vận",
    Role.SUPERVISOR: "Ủy ban MTTQ Việt Nam",
}
# The body a supervisor speaks for heads its opinions: named per account.
POSITIONS_BY_LOGIN = {
    "mttq": "Ủy ban MTTQ Việt Nam tỉnh Ninh Bình",
    "mttq.giavien": "Ủy ban MTTQ Việt Nam xã Gia Viễn",
}


def seed_demo() -> bool:
    """Create what is missing of the demo province; True if anything was created."""
    created = False
    units: dict[str, Unit] = {u.code: u for u in db.session.scalars(select(Unit))}
    for code, name, kind, parent_code in DEMO_UNITS:
        if code not in units:
            units[code] = create_unit(code=code, name=name, kind=kind, parent=units.get(parent_code))
            created = True
    commune = units.get(COMMUNE_ORGANISER)
    if commune is not None and not db.session.scalar(select(Organiser.id).where(Organiser.unit_id == commune.id)):
        organiser = make_organiser(commune, level=OrganiserLevel.COMMUNE, **COMMUNE_SETTINGS)
        db.session.refresh(commune)
        # The commune's own divisions and schools must register, by its own deadline.
        for year in (2025, 2026):
            set_year_settings(year, deadline_at=default_deadline(year), organiser_id=organiser.id,
                              kinds=[UnitKind.DIVISION, UnitKind.PUBLIC_SERVICE])
        created = True
    existing = set(db.session.scalars(select(User.login)))
    for login, name, unit_code, roles in DEMO_ACCOUNTS:
        if login in existing:
            continue
        create_user(
            login=login,
            full_name=name,
            password=DEMO_PASSWORD,
            roles=roles,
            unit=units.get(unit_code) if unit_code else None,
            email=f"{login}@demo.danvankheo.vn",
            position=POSITIONS_BY_LOGIN.get(login) or POSITIONS[next(iter(roles))],
        )
        created = True
    db.session.flush()
    for extend in DEMO_EXTENSIONS:
        created = extend(units) or created
    return created


# Features append functions (units by code -> created anything?) to add their demo data.
DEMO_EXTENSIONS: list = []
