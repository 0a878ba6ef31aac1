"""Report criteria without an assertive test: the periodic report's awards section (proposed
and approved, a revoked award no longer counted) on the page and in the workbook, and the
dashboard's print stylesheet."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.awards import decisions
from danvankheo.awards import proposals as award_proposals
from danvankheo.awards.models import AwardForm
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.reports.periodic import Period, build_periodic_report
from tests.awards.builders import build_finalised_round

PROVINCIAL = "Bằng khen của Chủ tịch UBND tỉnh"
SECOND_FORM = "Giấy khen của Trưởng Ban Dân vận Tỉnh ủy"  # another form of the province level


def _form(name: str) -> AwardForm:
    return db.session.scalar(select(AwardForm).where(AwardForm.name == name))


def _submitted(round_, ids, form, *, on: datetime):
    proposal = award_proposals.create_proposal(round_, ids, form)
    details = award_proposals.ProposalDetails(title="Đề nghị khen thưởng năm 2026", submission_number="125/TTr-SNV",
                                     submission_date=on.date(), signer_name="Nguyễn Văn An",
                                     signer_title="Phó Giám đốc", signer_authority="KT. Giám đốc")
    changes = [award_proposals.LineChange(line.id, line.recipient_key, line.award_form_id, line.achievement_summary, "")
               for line in proposal.lines]
    award_proposals.update_proposal(proposal, details, changes, expected_version=proposal.version)
    award_proposals.submit_proposal(proposal)
    proposal.submitted_at = on
    db.session.flush()
    return proposal


@pytest.fixture
def proposals(app):
    """Two lists submitted in the autumn of 2026: the first (two lines) approved on 2 November,
    one of its awards later revoked; the second (one line) still waiting for its decision."""
    built = build_finalised_round()
    round_ = built.round
    approved = _submitted(round_, [built.models["justice"].id, built.models["injection"].id], _form(PROVINCIAL),
                          on=datetime(2026, 10, 20, 3, tzinfo=UTC))
    decisions.approve_proposal(approved, "2150/QĐ-UBND", date(2026, 11, 2))
    decisions.revoke_award(approved.lines[1], "Hồ sơ không đúng sự thật.")
    _submitted(round_, [built.models["commune"].id], _form(SECOND_FORM), on=datetime(2026, 12, 1, 3, tzinfo=UTC))
    db.session.commit()
    return built


def test_award_figures_of_the_year(proposals):
    a = build_periodic_report(Period(date(2026, 1, 1), date(2026, 12, 31))).awards
    assert a.available
    assert (a.proposals_submitted, a.lines_proposed, a.proposals_approved, a.lines_approved) == (2, 3, 1, 1)
    assert {name: (proposed, approved) for name, proposed, approved in a.by_form} == {
        PROVINCIAL: (2, 1), SECOND_FORM: (1, 0)}
    first_half = build_periodic_report(Period(date(2026, 1, 1), date(2026, 6, 30))).awards
    assert (first_half.proposals_submitted, first_half.lines_proposed, first_half.proposals_approved,
            first_half.lines_approved, first_half.by_form) == (0, 0, 0, 0, [])
    november = build_periodic_report(Period(date(2026, 11, 1), date(2026, 11, 30))).awards
    # Approved in November, submitted in October: approved but not proposed in this period.
    assert (november.proposals_submitted, november.proposals_approved, november.lines_approved) == (0, 1, 1)


def test_award_figures_on_the_page_and_in_the_workbook(client, login_as, proposals):
    login_as(Role.SECRETARIAT)
    page = client.get("/bao-cao?tu_ngay=2026-01-01&den_ngay=2026-12-31").get_data(as_text=True)
    section = page.split('data-testid="section-awards"', 1)[1].split("</section>", 1)[0]
    for testid, value in (("awards-proposals", 2), ("awards-lines-proposed", 3), ("awards-approved", 1),
                          ("awards-lines-approved", 1)):
        assert f'data-testid="{testid}">{value}<' in section, testid
    assert PROVINCIAL in section and SECOND_FORM in section

    response = client.get("/bao-cao/excel?tu_ngay=2026-01-01&den_ngay=2026-12-31")
    book = load_workbook(io.BytesIO(response.data))
    # The figure is the row's last value (the Chỉ tiêu cell may be merged over two columns).
    summary = {row[1]: row[-1] for row in book["Tổng hợp"].iter_rows(values_only=True)
               if len(row) > 2 and isinstance(row[0], int) and isinstance(row[-1], int)}
    assert summary["Số hồ sơ đề nghị khen thưởng đã trình"] == 2
    assert summary["Số tập thể, cá nhân được đề nghị khen thưởng"] == 3
    assert summary["Số hồ sơ đề nghị được phê duyệt"] == 1
    assert summary["Số tập thể, cá nhân được khen thưởng"] == 1
    by_form = {row[1]: row[2:4] for row in book["Khen thưởng"].iter_rows(values_only=True)
               if isinstance(row[0], int)}
    assert by_form == {PROVINCIAL: (2, 1), SECOND_FORM: (1, 0)}


def test_dashboard_prints_on_a4_with_its_charts(client, login_as):
    login_as(Role.OBSERVER)
    page = client.get("/thong-ke").get_data(as_text=True)
    stylesheets = re.findall(r'<link[^>]+href="([^"]+\.css)"', page)
    css = "".join(client.get(href).get_data(as_text=True) for href in stylesheets if href.startswith("/"))
    assert "@media print" in css and "size: A4" in css
    assert ".chart svg" in css and "max-width: 100%" in css  # charts shrink to the page
    assert "d-print-none" in page  # the year picker is left off the printout
