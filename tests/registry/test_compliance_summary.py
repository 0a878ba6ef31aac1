"""The compliance counted in the database (dashboard, roll-up) is the compliance view's, unit
by unit: the same totals, the same units behind in the same order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.registry.compliance_summary import compliance_summary_of, compliance_totals_of
from danvankheo.registry.deadlines import (
    ComplianceStatus,
    compliance_rows_of,
    compliance_totals,
    grant_extension,
    set_year_settings,
)
from danvankheo.registry.models import Status
from danvankheo.units.models import UnitKind
from tests.factories import make_initiative, make_unit
from tests.two_levels import build_two_levels


@pytest.fixture
def levels(app):
    levels = build_two_levels()
    province, commune = levels.province, levels.commune
    for name in ("Sở Y tế", "Sở Xây dựng", "Sở Tài chính"):
        province.units[name] = make_unit(name, parent=province.organiser.unit)
    set_year_settings(2026, deadline_at=utcnow() + timedelta(days=30), kinds=[UnitKind.DEPARTMENT],
                      organiser_id=province.organiser.id)
    set_year_settings(2026, deadline_at=utcnow() + timedelta(days=20), kinds=[UnitKind.DEPARTMENT],
                      organiser_id=commune.organiser.id)
    # On time, late under an extension, a draft only, returned, nothing at all.
    make_initiative(province.units["Sở Y tế"], name="Đúng hạn", status=Status.SUBMITTED)
    late = make_initiative(province.units["Sở Xây dựng"], name="Nộp muộn", status=Status.ACCEPTED)
    late.is_late = True
    grant_extension(2026, province.units["Sở Xây dựng"], until=utcnow() + timedelta(days=40), reason="Bão lũ")
    make_initiative(province.units["Sở Tài chính"], name="Còn nháp", status=Status.DRAFT)
    make_initiative(commune.units["school"], name="Bị trả lại", status=Status.RETURNED)
    db.session.commit()
    return levels


def test_the_summary_is_the_compliance_views_totals_and_units_behind(levels):
    organisers = [levels.province.organiser.id, levels.commune.organiser.id]
    rows = compliance_rows_of(2026, organisers)
    summary = compliance_summary_of(2026, organisers, behind_limit=50)
    assert summary.totals == compliance_totals(rows) == compliance_totals_of(2026, organisers)
    behind = [row for row in rows if row.status is ComplianceStatus.MISSING]
    assert [(r.unit.id, r.deadline, r.extension_until) for r in summary.behind] == [
        (r.unit.id, r.deadline, r.extension_until) for r in behind]
    assert summary.behind_count == len(behind) == 2  # Sở Tài chính, Trạm Y tế xã
    for organiser_id in organisers:
        own = [row for row in rows if row.unit.organiser_id == organiser_id]
        registered = sum(row.status is not ComplianceStatus.MISSING for row in own)
        assert summary.by_organiser.get(organiser_id, (0, 0)) == (len(own), registered)
    # By hand: the province asks its four sở (Tư pháp, Y tế, Xây dựng, Tài chính): Y tế on time,
    # Xây dựng late, Tư pháp's model accepted on time; Tài chính has only a draft.
    province = compliance_summary_of(2026, [levels.province.organiser.id])
    assert (province.totals.units, province.totals.met, province.totals.late, province.totals.missing) == (4, 2, 1, 1)
    assert [row.unit.name for row in province.behind] == ["Sở Tài chính"]


def test_only_the_first_units_behind_are_loaded(levels):
    organisers = [levels.province.organiser.id, levels.commune.organiser.id]
    summary = compliance_summary_of(2026, organisers, behind_limit=1)
    assert len(summary.behind) == 1 and summary.behind_count >= 2
