"""The periodic report counts each thing by its own date (issue 13): a model by its year and
its registration, submission and acceptance steps, a round by its year, a proposal by its
Tờ trình, a decision by its Quyết định, never by when a record was written or imported.
The page, the workbook and the data agree."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from danvankheo.awards import decisions
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Field, Status, Transition
from danvankheo.reports.periodic import Period, build_periodic_report
from danvankheo.units.models import UnitKind
from tests import factories
from tests.awards.builders import build_finalised_round

from .data import Province, at, finalise, register
from .test_award_figures_and_print import PROVINCIAL, _form, _submitted

YEAR_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))
YEAR_2026 = Period(date(2026, 1, 1), date(2026, 12, 31))
FIRST_HALF_2026 = Period(date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture
def imported(app) -> Province:
    """Models whose records were written in another period than their events.

    - old: a 2025 model entered in March 2026 from the paper register (record dated 2026),
      submitted on 1 September 2025 and accepted on 10 September 2025;
    - early: a 2026 model registered on 20 December 2025, submitted in February 2026;
    - round 2025, finalised on 15 January 2026: old is graded Xuất sắc.
    """
    p = Province()
    p.secretariat = factories.make_user(Role.SECRETARIAT)
    p.units["D1"] = factories.make_unit("Sở Tư pháp", kind=UnitKind.DEPARTMENT)
    p.staff["D1"] = factories.make_user(Role.STAFF, unit=p.units["D1"])
    register(p, "old", "D1", year=2025, field_=Field.ECONOMY, created=at(2026, 3, 10),
             submitted=at(2025, 9, 1), accepted=at(2025, 9, 10))
    early = register(p, "early", "D1", year=2026, field_=Field.CULTURE_SOCIETY, created=at(2026, 2, 1),
                     submitted=at(2026, 2, 15))
    early.transitions.append(Transition(from_status=None, to_status=Status.DRAFT, occurred_at=at(2025, 12, 20)))
    p.round = finalise(p, 2025, "Đợt đánh giá năm 2025", {"old": "excellent"}, finalised=at(2026, 1, 15))
    db.session.commit()
    return p


def test_a_model_counts_in_its_year_whenever_its_record_was_written(imported):
    report = build_periodic_report(YEAR_2025)
    t = report.totals
    assert (t.registered, t.submitted, t.accepted) == (1, 1, 1)
    assert report.units_without_models == []  # the 2025 model registers its unit for 2025
    first_half = build_periodic_report(FIRST_HALF_2026).totals
    # The 2026 model registered in December 2025 belongs to 2026; the imported 2025 one does not.
    assert (first_half.registered, first_half.submitted, first_half.accepted) == (1, 1, 0)


def test_a_round_reports_in_its_year_even_when_finalised_after_it(imported):
    assert [r.round.name for r in build_periodic_report(YEAR_2025).rounds] == ["Đợt đánh giá năm 2025"]
    assert build_periodic_report(YEAR_2026).rounds == []
    assert build_periodic_report(Period(date(2025, 1, 1), date(2025, 6, 30))).rounds == []


def test_proposals_count_by_the_date_of_their_to_trinh(app):
    built = build_finalised_round()
    proposal = _submitted(built.round, [built.models["justice"].id], _form(PROVINCIAL), on=at(2026, 10, 5))
    proposal.submission_date = date(2025, 12, 5)  # the Tờ trình's date; the record was sent later
    decisions.approve_proposal(proposal, "2150/QĐ-UBND", date(2025, 12, 20))
    db.session.commit()
    a2025 = build_periodic_report(YEAR_2025).awards
    assert (a2025.proposals_submitted, a2025.lines_proposed, a2025.proposals_approved) == (1, 1, 1)
    a2026 = build_periodic_report(YEAR_2026).awards
    assert (a2026.proposals_submitted, a2026.proposals_approved) == (0, 0)


def test_page_and_workbook_show_the_same_figures(client, login_as, imported):
    login_as(Role.OBSERVER)
    page = client.get("/bao-cao?tu_ngay=01/01/2025&den_ngay=31/12/2025").get_data(as_text=True)
    assert "Tổng kết năm 2025" in page
    book = load_workbook(io.BytesIO(client.get("/bao-cao/excel?tu_ngay=2025-01-01&den_ngay=2025-12-31").data))
    figures = {row[1]: row[-1] for row in book["Tổng hợp"].iter_rows(values_only=True)
               if isinstance(row[0], int) and isinstance(row[-1], int)}
    assert figures["Số mô hình đăng ký"] == 1
    assert figures["Số mô hình được tiếp nhận"] == 1
    assert figures["Số đơn vị chưa đăng ký mô hình nào"] == 0
    assert figures["Số mô hình xếp loại Xuất sắc"] == 1
    for testid, value in (("total-registered", 1), ("total-submitted", 1), ("total-accepted", 1),
                          ("total-units-none", 0)):
        assert f'data-testid="{testid}">{value}<' in page, testid


def test_the_demo_reports_for_2025_and_2026(app):
    """The demo's records are all written today; its events are dated in 2025 and 2026.
    Figures checked by hand against the demo data (models, transitions, round, proposal)."""
    from danvankheo.demo import seed_demo

    seed_demo()
    db.session.commit()
    from sqlalchemy import select

    from danvankheo.organisers.models import Organiser

    province = db.session.scalar(select(Organiser).where(Organiser.is_default.is_(True)))
    commune = db.session.scalar(select(Organiser).where(Organiser.is_default.is_(False)))
    # The province secretariat's report: its own units (xã Gia Viễn runs its own competition).
    r2025 = build_periodic_report(YEAR_2025, [province.id])
    # Four 2025 models (STP, SYT, PHL, SNNMT), submitted and accepted in 2025.
    assert (r2025.totals.registered, r2025.totals.submitted, r2025.totals.accepted) == (4, 4, 4)
    # Departments and communes of the province: 10 (XGV is now its own organiser), 6 without a model.
    assert (r2025.scope_units, len(r2025.units_without_models)) == (10, 6)
    # The 2025 round (finalised today) with its four grades; the list dated 5 and 20 December 2025.
    [result] = r2025.rounds
    assert result.round.year == 2025 and len(result.rows) == 4
    a = r2025.awards
    # One proposal of two lines (Sở Tư pháp and one of its members), approved.
    assert (a.proposals_submitted, a.lines_proposed, a.proposals_approved, a.lines_approved) == (1, 2, 1, 2)

    r2026 = build_periodic_report(YEAR_2026, [province.id])
    # Twelve 2026 models of the province's units (one still a draft), eleven submitted, six
    # accepted (the thirteenth, of UBND xã Gia Viễn itself, now counts at the commune).
    assert (r2026.totals.registered, r2026.totals.submitted, r2026.totals.accepted) == (12, 11, 6)
    assert sorted(line.unit.code for line in r2026.units_without_models) == ["PTD", "SNV", "XKS"]
    assert r2026.rounds == []  # the 2026 round is still being scored
    assert (r2026.awards.proposals_submitted, r2026.awards.proposals_approved) == (0, 0)

    # The commune's own report, by hand from registry/demo.py: three 2025 models (Phòng Văn
    # hóa - Xã hội, Trạm Y tế, Phòng Kinh tế), all accepted; its 2025 round and Giấy khen list.
    c2025 = build_periodic_report(YEAR_2025, [commune.id])
    assert (c2025.totals.registered, c2025.totals.submitted, c2025.totals.accepted) == (3, 3, 3)
    [commune_round] = c2025.rounds
    assert commune_round.round.organiser_id == commune.id and len(commune_round.rows) == 3
    assert (c2025.awards.proposals_approved, c2025.awards.lines_approved) == (1, 2)
    # 2026: five models (XGV's own, accepted; THCS accepted; VHXH submitted; Trạm Y tế
    # returned; Phòng Kinh tế a draft): four submitted, two accepted. Its required units are
    # its divisions and public services (five, by its own deadline settings); Văn phòng has none.
    c2026 = build_periodic_report(YEAR_2026, [commune.id])
    assert (c2026.totals.registered, c2026.totals.submitted, c2026.totals.accepted) == (5, 4, 2)
    assert sorted(line.unit.code for line in c2026.units_without_models) == ["XGV-VP"]
