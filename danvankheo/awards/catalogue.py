"""The catalogue of award forms (hình thức khen thưởng): the defaults, the forms an
organiser may propose, and the secretariat's additions and edits.

Services flush and never commit; every change is recorded in the audit trail.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..audit.services import diff, record
from ..extensions import db
from .errors import AwardError
from .models import DEFAULT_AWARD_FORMS, AwardForm, AwardLevel


def seed_default_award_forms() -> int:
    """Add the default catalogue entries that are missing; the number added."""
    existing = set(db.session.scalars(select(AwardForm.name)))
    added = 0
    for position, (name, authority, level) in enumerate(DEFAULT_AWARD_FORMS, start=1):
        if name not in existing:
            db.session.add(AwardForm(name=name, issuing_authority=authority, level=level, position=position * 10))
            added += 1
    db.session.flush()
    return added


def award_forms(*, active_only: bool = False) -> list[AwardForm]:
    query = select(AwardForm).order_by(AwardForm.position, AwardForm.name)
    if active_only:
        query = query.where(AwardForm.is_active.is_(True))
    return list(db.session.scalars(query))


def award_forms_for(organiser, *, active_only: bool = False) -> list[AwardForm]:
    """The forms an organiser proposes: those of its level (Giấy khen của Chủ tịch UBND xã
    at commune level, Bằng khen của Chủ tịch UBND tỉnh at province level). No organiser:
    every form."""
    forms = award_forms(active_only=active_only)
    if organiser is None:
        return forms
    return [form for form in forms if form.fits_level(organiser.level)]


def _check_award_form_name(name: str, exclude_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise AwardError("Vui lòng nhập tên hình thức khen thưởng.", field="name")
    query = select(func.count()).where(func.lower(AwardForm.name) == name.lower())
    if exclude_id is not None:
        query = query.where(AwardForm.id != exclude_id)
    if db.session.scalar(query):
        raise AwardError(f"Hình thức “{name}” đã có trong danh mục.", field="name")
    return name


def create_award_form(*, name: str, issuing_authority: str, level: AwardLevel, position: int = 0,
                      is_thematic: bool = False, actor=None) -> AwardForm:
    name = _check_award_form_name(name)
    form = AwardForm(name=name, issuing_authority=issuing_authority.strip(), level=level, position=position,
                     is_thematic=bool(is_thematic))
    db.session.add(form)
    db.session.flush()
    record("award_form.create", form, actor=actor,
           changes={"name": [None, name], "level": [None, level], "is_thematic": [None, bool(is_thematic)]})
    return form


def update_award_form(form: AwardForm, *, name: str, issuing_authority: str, level: AwardLevel,
                      position: int, is_active: bool, is_thematic: bool | None = None, actor=None) -> None:
    values = {
        "name": _check_award_form_name(name, exclude_id=form.id),
        "issuing_authority": issuing_authority.strip(),
        "level": level,
        "position": position,
        "is_active": is_active,
        "is_thematic": form.is_thematic if is_thematic is None else bool(is_thematic),
    }
    changes = diff(form, values)
    for key, value in values.items():
        setattr(form, key, value)
    if changes:
        record("award_form.update", form, actor=actor, changes=changes)
