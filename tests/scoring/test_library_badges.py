"""The public library: counts per field, sorting, and badges of published results and awards."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from danvankheo.awards.catalogue import create_award_form
from danvankheo.awards.decisions import approve_proposal, revoke_award
from danvankheo.awards.models import AwardLevel
from danvankheo.awards.proposals import (
    LineChange,
    ProposalDetails,
    create_proposal,
    submit_proposal,
    update_proposal,
)
from danvankheo.extensions import db
from danvankheo.registry.models import Field, Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Assignment
from danvankheo.showcase import library
from tests.factories import make_initiative
from tests.scoring.conftest import full_marks


def _names(html: str) -> list[str]:
    return re.findall(r'<h2 class="h6 card-title"><a href="[^"]+">([^<]+)</a>', html)


def _publish(p, minus_by_model=None):
    round_ = p.round
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    for a in db.session.scalars(select(Assignment)):
        minus = (minus_by_model or {}).get(a.initiative_id, 0)
        scorecards.save_scorecard(round_, a.initiative, a.evaluator, full_marks(round_, minus), submit=True)
    rounds.close_scoring(round_)
    rounds.finalise(round_, by=p.secretariat)


def test_badges_counts_and_sorting(client, province):
    p = province
    justice, health = p.models["justice"], p.models["health"]
    justice.field, health.field = Field.POLITICAL_SYSTEM, Field.CULTURE_SOCIETY
    _publish(p, {health.id: 5, p.models["hospital"].id: 10, p.models["commune"].id: 15})
    form = create_award_form(name="Bằng khen của Chủ tịch UBND tỉnh", issuing_authority="Chủ tịch UBND tỉnh",
                             level=AwardLevel.PROVINCE)
    proposal = create_proposal(p.round, [justice.id, health.id], form, actor=p.secretariat, title="Đề nghị 2026")
    details = ProposalDetails(title="Đề nghị 2026", submission_number="125/TTr-SNV", submission_date=date(2026, 10, 20),
                              signer_name="Nguyễn Văn An", signer_title="Phó Giám đốc", signer_authority="KT. Giám đốc")
    changes = [LineChange(line.id, line.recipient_key, line.award_form_id, line.achievement_summary or "Thành tích",
                          line.note) for line in proposal.lines]
    update_proposal(proposal, details, changes, expected_version=proposal.version, actor=p.secretariat)
    submit_proposal(proposal, actor=p.secretariat)
    approve_proposal(proposal, "15/QĐ-UBND", date(2026, 11, 20), actor=p.secretariat)
    revoke_award(next(line for line in proposal.lines if line.initiative_id == health.id), "Hồ sơ không trung thực")
    for n in range(2):
        make_initiative(p.commune, name=f"Nhân rộng {n}", status=Status.ACCEPTED, replicates_id=health.id,
                        field=Field.ECONOMY)
    db.session.commit()

    badges = library.badges_for([justice.id, health.id])
    assert badges[justice.id].grade_label == "Xuất sắc" and badges[justice.id].rank == 1
    assert badges[justice.id].awards == ["Bằng khen của Chủ tịch UBND tỉnh"]
    assert badges[health.id].awards == []  # revoked
    assert badges[health.id].replicated == 2

    html = client.get("/thu-vien").get_data(as_text=True)
    assert "7 mô hình" in html  # four scored, one of 2025, two replicas:.split('data-testid="showcase-count"')[1][:200]
    counts = html.split('data-testid="field-counts"')[1].split("</nav>")[0]
    assert re.search(r'data-field="economy">[^<]*<span[^>]*>2<', counts)
    card = html.split(justice.name)[1].split("</article>")[0]
    assert 'data-badge="grade"' in card and "Xuất sắc · hạng 1 · 100 điểm" in card
    assert "Bằng khen của Chủ tịch UBND tỉnh" in card
    assert re.search(r'data-badge="field">[^<]*hệ thống chính trị<', card, re.I)
    health_card = html.split(health.name)[1].split("</article>")[0]
    assert "Được nhân rộng 2 lần" in health_card and 'data-badge="award"' not in health_card

    by_score = _names(client.get("/thu-vien?sap_xep=diem").get_data(as_text=True))
    assert by_score[:4] == [justice.name, health.name, p.models["hospital"].name, p.models["commune"].name]
    assert _names(client.get("/thu-vien?sap_xep=nhan-rong").get_data(as_text=True))[0] == health.name
    by_name = _names(client.get("/thu-vien?sap_xep=ten").get_data(as_text=True))
    assert by_name[0] == "Bệnh viện thân thiện"
    # A field chosen keeps the counts of every field and narrows the list.
    economy = client.get("/thu-vien?linh_vuc=economy").get_data(as_text=True)
    assert sorted(_names(economy)) == ["Nhân rộng 0", "Nhân rộng 1"]
    assert "Tất cả lĩnh vực" in economy and 'aria-current="page" href="/thu-vien?linh_vuc=economy"' in economy
    # The public detail page carries the same badges.
    detail = client.get(f"/thu-vien/{justice.id}").get_data(as_text=True)
    assert "Xuất sắc · hạng 1" in detail and "Bằng khen của Chủ tịch UBND tỉnh" in detail


def test_unpublished_results_give_no_badge(client, province):
    p = province
    assignments.auto_assign(p.round, 2)
    rounds.start_scoring(p.round)
    db.session.commit()
    html = client.get("/thu-vien").get_data(as_text=True)
    assert 'data-badge="grade"' not in html and 'data-badge="award"' not in html
