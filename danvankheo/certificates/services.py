"""Reading and saving layouts and calibrations, and building the certificates of a proposal.
Services flush; the view commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..audit.services import record
from ..awards.models import AwardForm, Proposal, ProposalLine
from ..core.errors import DomainError
from ..core.formatting import format_number
from ..extensions import db
from ..organisers.models import Organiser
from . import content, render
from .layouts import Layout, LayoutError, check_layout, default_layout, from_model
from .models import (
    MAX_OFFSET_MM,
    CertificateField,
    CertificateLayout,
    CertificateLayoutField,
    CertificateSettings,
)


class CalibrationError(DomainError):
    """A calibration the printer cannot use."""


# --- Layouts -----------------------------------------------------------------------------------


def stored_layout(award_form: AwardForm) -> CertificateLayout | None:
    return db.session.scalar(select(CertificateLayout).where(CertificateLayout.award_form_id == award_form.id))


def layout_for(award_form: AwardForm) -> Layout:
    """The form's saved layout, else the default for its kind (Giấy khen or Bằng khen)."""
    stored = stored_layout(award_form)
    return from_model(stored) if stored is not None else default_layout(award_form.name)


def _layout_values(layout: Layout) -> dict[str, str]:
    """A flat, readable description of a layout for the audit trail."""
    values = {"Khổ giấy": layout.paper_label, "Câu thành tích": layout.wording}
    for box in layout.boxes:
        values[box.field.label] = (
            f"{'in' if box.printed else 'không in'}; x {format_number(box.x)}, y {format_number(box.y)}, "
            f"rộng {format_number(box.w)}, cao {format_number(box.h)} mm; {box.font.label}; "
            f"{format_number(box.size)} pt (nhỏ nhất {format_number(box.min_size)}); {box.align.label}")
    return values


def save_layout(award_form: AwardForm, layout: Layout, *, actor) -> CertificateLayout:
    """Store `layout` as the form's; refuses (LayoutError naming the input) a layout that
    cannot print, such as a box outside the paper. Audited with what changed."""
    errors = check_layout(layout)
    if errors:
        raise errors[0]
    before = _layout_values(layout_for(award_form))
    stored = stored_layout(award_form)
    if stored is None:
        stored = CertificateLayout(award_form=award_form)
        db.session.add(stored)
    stored.paper, stored.orientation, stored.achievement_wording = layout.paper, layout.orientation, layout.wording
    stored.updated_by_id = getattr(actor, "id", None)
    rows = {row.field: row for row in stored.fields}
    for box in layout.boxes:
        row = rows.get(box.field)
        if row is None:
            row = CertificateLayoutField(field=box.field)
            stored.fields.append(row)
        row.is_printed, row.font, row.align = box.printed, box.font, box.align
        row.x_mm, row.y_mm, row.w_mm, row.h_mm = box.x, box.y, box.w, box.h
        row.size_pt, row.min_size_pt = box.size, box.min_size
    db.session.flush()
    after = _layout_values(layout)
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    record("certificate_layout.update", award_form, changes=changes, object_type="AwardForm",
           label=f"Mẫu in phôi: {award_form.name}", actor=actor)
    return stored


# --- Calibration and signer ----------------------------------------------------------------------


def settings_for(organiser: Organiser | None) -> CertificateSettings | None:
    if organiser is None:
        return None
    return db.session.scalar(select(CertificateSettings).where(CertificateSettings.organiser_id == organiser.id))


def offsets_for(organiser: Organiser | None) -> render.Offsets:
    settings = settings_for(organiser)
    if settings is None:
        return render.Offsets()
    return render.Offsets(Decimal(settings.offset_x_mm), Decimal(settings.offset_y_mm))


@dataclass(frozen=True)
class SettingsData:
    offset_x_mm: Decimal
    offset_y_mm: Decimal
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""


def check_offsets(offset_x: Decimal | None, offset_y: Decimal | None) -> list[CalibrationError]:
    errors = []
    for value, field, axis in ((offset_x, "offset_x_mm", "ngang (X)"), (offset_y, "offset_y_mm", "dọc (Y)")):
        if value is None:
            errors.append(CalibrationError(f"Vui lòng nhập độ lệch {axis}, 0 nếu không lệch.", field=field))
        elif abs(value) > MAX_OFFSET_MM:
            errors.append(CalibrationError(
                f"Độ lệch {axis} {format_number(value)} mm quá lớn: chỉ được từ −{MAX_OFFSET_MM} đến "
                f"{MAX_OFFSET_MM} mm. Lệch nhiều hơn thường do đặt giấy sai hoặc in “vừa trang”; hãy kiểm tra "
                f"khay giấy và in lại trang in thử ở tỷ lệ 100 %.", field=field))
    return errors


def save_settings(organiser: Organiser, data: SettingsData, *, actor) -> CertificateSettings:
    """Store the organiser's calibration and certificate signer; an offset beyond ±20 mm is
    refused (CalibrationError naming the input). Audited with what changed."""
    errors = check_offsets(data.offset_x_mm, data.offset_y_mm)
    if errors:
        raise errors[0]
    settings = settings_for(organiser)
    if settings is None:
        settings = CertificateSettings(organiser=organiser, offset_x_mm=Decimal(0), offset_y_mm=Decimal(0),
                                       signer_authority="", signer_title="", signer_name="")
        db.session.add(settings)
    changes = {}
    new_values = {"offset_x_mm": data.offset_x_mm.quantize(Decimal("0.1")),
                  "offset_y_mm": data.offset_y_mm.quantize(Decimal("0.1")),
                  "signer_authority": data.signer_authority.strip(), "signer_title": data.signer_title.strip(),
                  "signer_name": data.signer_name.strip()}
    for key, value in new_values.items():
        old = getattr(settings, key)
        if isinstance(value, Decimal):
            if old is None or Decimal(old) != value:
                changes[key] = [format_number(old) if old is not None else None, format_number(value)]
        elif (old or "") != value:
            changes[key] = [old or "", value]
        setattr(settings, key, value)
    settings.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("certificate_settings.update", organiser, changes=changes, object_type="Organiser",
           label=f"Căn chỉnh máy in phôi: {organiser.name}", actor=actor)
    return settings


# --- Certificates of a proposal -----------------------------------------------------------------


@dataclass
class ProposalCertificates:
    """The planned pages of a proposal's certificates, and what the download page warns of."""

    proposal: Proposal
    pages: list[render.PagePlan]
    offsets: render.Offsets
    missing: list[str]

    @property
    def overflows(self) -> list[render.Overflow]:
        return [overflow for page in self.pages for overflow in page.overflows]

    def pdf(self, *, framed: bool) -> bytes:
        kind = "có khung, để soát" if framed else "in lên phôi"
        return render.draw(self.pages, self.offsets, framed=framed,
                           title=f"Phôi khen thưởng theo Quyết định số {self.proposal.decision_number} ({kind})")


def proposal_certificates(proposal: Proposal, config: Mapping[str, Any], *,
                          line: ProposalLine | None = None) -> ProposalCertificates:
    """Every certificate of an approved proposal in the order of its list, or one line's.
    Raises content.NotApproved for a proposal without a decision."""
    content.ensure_approved(proposal)
    organiser = proposal.round.organiser
    names = content.organiser_names(proposal, config)
    settings = settings_for(organiser)
    layouts: dict[int, Layout] = {}
    certificates, forms = [], {}
    if line is not None and line.is_revoked:
        raise content.NotApproved(f"Không in phôi cho {line.recipient_name}: khen thưởng này đã bị hủy.")
    for index, each in enumerate(content.ordered_lines(proposal), start=1):
        if (line is not None and each.id != line.id) or each.is_revoked:
            continue  # a revoked award gets no certificate; the others keep their numbers
        if each.award_form_id not in layouts:
            layouts[each.award_form_id] = layout_for(each.award_form)
        certificate = content.certificate_for(each, index, layouts[each.award_form_id], names, settings)
        certificates.append(certificate)
        forms[certificate.line_id] = each.award_form_id
    pages = render.plan(certificates, lambda c: layouts[forms[c.line_id]])
    missing = []
    if certificates and not any(c.texts[CertificateField.SIGNER_NAME] for c in certificates):
        missing.append("Chưa có họ tên người ký phôi: nhập ở trang “Căn chỉnh máy in và người ký phôi”.")
    if not names.get("place_name"):
        missing.append("Chưa có địa danh (dòng “…, ngày … tháng … năm …”): nhập trong thông tin cơ quan tổ chức.")
    return ProposalCertificates(proposal, pages, offsets_for(organiser), missing)


__all__ = ["CalibrationError", "LayoutError", "ProposalCertificates", "layout_for", "proposal_certificates",
           "save_layout", "save_settings", "settings_for"]
