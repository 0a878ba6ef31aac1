"""Demo data: who signs the certificates of the province and of xã Gia Viễn, and a printer
calibration for the province's secretariat, so the demo's decisions print as they would."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..organisers.models import Organiser
from ..organisers.services import default_organiser
from .models import CertificateSettings

COMMUNE_CODE = "XGV"
# (authority, title, name, x, y): made-up people.
PROVINCE_SIGNER = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Minh Quang", Decimal("1.5"), Decimal("-1"))
COMMUNE_SIGNER = ("", "CHỦ TỊCH", "Đinh Văn Hòa", Decimal(0), Decimal(0))


def seed_certificates_demo(units: dict) -> bool:
    created = False
    commune = units.get(COMMUNE_CODE)
    organisers = [(default_organiser(), PROVINCE_SIGNER)]
    if commune is not None:
        organisers.append((db.session.scalar(select(Organiser).where(Organiser.unit_id == commune.id)),
                           COMMUNE_SIGNER))
    for organiser, (authority, title, name, x, y) in organisers:
        if organiser is None or db.session.scalar(
                select(CertificateSettings.id).where(CertificateSettings.organiser_id == organiser.id)):
            continue
        db.session.add(CertificateSettings(organiser=organiser, offset_x_mm=x, offset_y_mm=y,
                                           signer_authority=authority, signer_title=title, signer_name=name))
        created = True
    db.session.flush()
    return created
