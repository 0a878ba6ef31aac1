"""Demo data of the register: a few awards that other bodies gave to the demo units in earlier
years, entered by hand, so that histories and statistics reach back before the app.

Runs after the other demo data; does nothing once any outside award exists.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..auth.models import User
from ..awards.models import AwardLevel, RecipientType
from ..extensions import db
from . import services
from .models import OutsideAward

# (unit code, person or None, decision number, date, issuing body, form, level, achievement)
DEMO_OUTSIDE_AWARDS = [
    ("STP", None, "3120/QĐ-BTP", date(2023, 12, 20), "Bộ Tư pháp", "Bằng khen của Bộ trưởng Bộ Tư pháp",
     AwardLevel.CENTRAL, "Đã có thành tích xuất sắc trong công tác hòa giải ở cơ sở năm 2023."),
    ("SYT", None, "4567/QĐ-BYT", date(2022, 11, 15), "Bộ Y tế", "Bằng khen của Bộ trưởng Bộ Y tế",
     AwardLevel.CENTRAL, "Đã có thành tích trong phòng, chống dịch COVID-19."),
    ("STP", ("Lê Minh Đức", "Trưởng phòng Phổ biến, giáo dục pháp luật"), "1500/QĐ-UBND", date(2024, 1, 10),
     "Ủy ban nhân dân tỉnh Ninh Bình", "Bằng khen của Chủ tịch UBND tỉnh", AwardLevel.PROVINCE,
     "Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm 2023."),
    ("XGV-VHXH", None, "215-QĐ/BDVTU", date(2024, 6, 12), "Ban Dân vận Tỉnh ủy Ninh Bình",
     "Giấy khen của Trưởng Ban Dân vận Tỉnh ủy", AwardLevel.PROVINCE,
     "Đã có thành tích trong thực hiện Quy chế dân chủ ở cơ sở năm 2023."),
]
ENTERED_BY = {"XGV-VHXH": "thuky.giavien"}  # by the organiser's own secretariat
DEFAULT_ENTERED_BY = "noivu"


def seed_register_demo(units: dict) -> bool:
    if db.session.scalar(select(OutsideAward.id).limit(1)) is not None:
        return False
    created = False
    for code, person, number, day, body, form, level, achievement in DEMO_OUTSIDE_AWARDS:
        unit = units.get(code)
        if unit is None or unit.organiser_id is None:
            continue
        actor = db.session.scalar(select(User).where(User.login == ENTERED_BY.get(code, DEFAULT_ENTERED_BY)))
        services.add_outside_award(unit.organiser_id, services.OutsideAwardData(
            recipient_type=RecipientType.INDIVIDUAL if person else RecipientType.COLLECTIVE, unit_id=unit.id,
            decision_number=number, decision_date=day, issuing_body=body, form_name=form, level=level,
            full_name=person[0] if person else "", person_note=person[1] if person else "",
            person_choice=services.NEW_PERSON if person else None, achievement=achievement), actor=actor)
        created = True
    return created
