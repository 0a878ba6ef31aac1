"""The supervision opinions travel with the people's voice onto paper: the ranking export's
appendix and the báo cáo thành tích count them by stance."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.awards import documents, proposals
from danvankheo.awards.models import AwardForm
from danvankheo.extensions import db
from danvankheo.supervision.models import Stance
from danvankheo.supervision.services import record_opinion
from tests.two_levels import PROVINCE_FORM, run_round


def _opinions(sv):
    record_opinion(sv.accepted, sv.mttq, stance=Stance.AGREE, text="Người dân xác nhận mô hình hiệu quả.")
    record_opinion(sv.accepted, sv.women, stance=Stance.PARTLY, text="Cần thêm số liệu về phụ nữ tham gia.")
    db.session.commit()


def test_the_ranking_export_counts_the_opinions_by_stance(sv, client, login_as):
    _opinions(sv)
    round_ = run_round(sv.levels.province, name="Đợt tỉnh 2026")
    db.session.commit()
    login_as(sv.levels.province.secretariat)
    response = client.get(f"/xuat-excel/dot-danh-gia/{round_.id}/xep-hang")
    assert response.status_code == 200
    rows = [list(row) for row in load_workbook(BytesIO(response.data))["Ý kiến Nhân dân"].iter_rows(values_only=True)]
    header = next(r for r in rows if "Ý kiến giám sát của MTTQ, đoàn thể" in r)
    line = next(r for r in rows if sv.accepted.name in r)
    assert line[header.index("Ý kiến giám sát của MTTQ, đoàn thể")] == "1 đồng ý, 1 đồng ý một phần"


def test_the_achievement_report_names_the_opinions(sv, app):
    _opinions(sv)
    round_ = run_round(sv.levels.province, name="Đợt tỉnh 2026")
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == PROVINCE_FORM))
    proposal = proposals.create_proposal(round_, [sv.accepted.id], form, actor=sv.levels.province.secretariat)
    db.session.flush()
    line = proposal.lines[0]
    context = documents.report_context(line, documents.Settings.for_proposal(proposal, app.config))
    assert ("ý kiến giám sát của Mặt trận Tổ quốc, các đoàn thể: 1 đồng ý, 1 đồng ý một phần"
            in context["assessment"])
