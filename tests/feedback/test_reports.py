"""The people's voice travels: the ranking export's appendix, the báo cáo thành tích's
assessment, the dashboard and the periodic report. Verified and open always apart."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from danvankheo.extensions import db
from danvankheo.feedback import queries, services
from danvankheo.scoring import rounds
from tests.scoring.conftest import build_province


def _answers(p):
    survey = services.open_survey(p.models["commune"])
    codes = services.generate_codes(survey, 2, p.secretariat)
    services.submit(survey, services.Answer(5, True, code=codes[0].code), device="a" * 32, address="192.0.2.1")
    services.submit(survey, services.Answer(4, True, code=codes[1].code), device="b" * 32, address="192.0.2.1")
    services.submit(survey, services.Answer(2, False), device="c" * 32, address="192.0.2.2")
    return survey


def test_ranking_export_has_the_people_voice_appendix(app, client, login_as):
    p = build_province()
    _answers(p)
    rounds.start_scoring(p.round, by=p.secretariat)
    db.session.commit()
    login_as(p.secretariat)
    response = client.get(f"/xuat-excel/dot-danh-gia/{p.round.id}/xep-hang")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data))["Ý kiến Nhân dân"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert any("PHỤ LỤC 3" in str(r[0]) for r in rows if r and r[0])
    line = next(r for r in rows if "Dân vận ở thôn bản" in r)
    start = line.index("Dân vận ở thôn bản")
    assert line[start + 2:start + 7] == [2, 4.5, 1, 2, 67]
    other = next(r for r in rows if "Tư pháp gần dân" in r)
    assert other[other.index("Tư pháp gần dân") + 2] == 0


def test_voice_sentence_keeps_verified_and_open_apart(app):
    p = build_province()
    _answers(p)
    db.session.commit()
    summary = queries.summaries_for([p.models["commune"].id])[p.models["commune"].id]
    sentence = queries.voice_sentence(summary)
    assert sentence == ("ý kiến Nhân dân: 2 ý kiến có mã phiếu (đã xác thực), mức hài lòng trung bình 4,5/5; "
                        "1 ý kiến không có mã phiếu, mức hài lòng trung bình 2,0/5; "
                        "67% người trả lời có tham gia hoặc hưởng lợi từ mô hình")
    assert queries.voice_sentence(None) == "chưa có ý kiến Nhân dân qua phiếu khảo sát"


def test_satisfaction_per_model_unit_and_organiser(app):
    p = build_province()
    _answers(p)
    db.session.commit()
    [unit_line] = queries.by_unit()
    assert (unit_line.name, unit_line.verified.responses, unit_line.open.responses) == ("UBND xã Gia Viễn", 2, 1)
    [organiser_line] = queries.by_organiser()
    assert organiser_line.name == "UBND tỉnh Ninh Bình" and organiser_line.verified.mean == 4.5
    [model_line] = queries.by_model()
    assert model_line.name == "Dân vận ở thôn bản" and model_line.open.mean == 2.0


def test_achievement_report_carries_the_people_voice(app):
    from danvankheo.awards import documents, proposals
    from tests.awards.builders import build_finalised_round

    built = build_finalised_round()
    model = built.models["justice"]
    survey = services.open_survey(model)
    # The round is finalised, so its survey is closed: the answer came in while it was open.
    open_tally = next(t for t in survey.tallies if not t.is_verified)
    open_tally.responses = open_tally.rating_5 = open_tally.took_part = 1
    open_tally.rating_sum, open_tally.rating_sq_sum = 5, 25
    db.session.flush()
    from sqlalchemy import select

    from danvankheo.awards.models import AwardForm

    form = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    proposal = proposals.create_proposal(built.round, [model.id], form)
    db.session.flush()
    line = next(line for line in proposal.lines if line.initiative_id == model.id)
    context = documents.report_context(line, documents.Settings.for_proposal(proposal, app.config))
    assert "ý kiến Nhân dân: 0 ý kiến có mã phiếu (đã xác thực); 1 ý kiến không có mã phiếu, mức hài lòng " \
           "trung bình 5,0/5" in context["assessment"]
    assert context["people_voice"].startswith("ý kiến Nhân dân")


def test_dashboard_and_periodic_report_show_satisfaction(app, client, login_as):
    p = build_province()
    _answers(p)
    db.session.commit()
    login_as(p.secretariat)
    page = client.get("/thong-ke?nam=2026").get_data(as_text=True)
    assert 'data-testid="dashboard-voice"' in page and 'data-testid="voice-units"' in page
    assert "UBND xã Gia Viễn" in page and "4,50" in page and "2,00" in page
    report = client.get("/bao-cao?tu_ngay=01/01/2026&den_ngay=31/12/2026")
    html = report.get_data(as_text=True)
    assert report.status_code == 200, html[:500]
    assert "VII. Ý kiến Nhân dân về các mô hình" in html and "Dân vận ở thôn bản" in html and "4,50" in html


def test_periodic_report_workbook_has_the_people_voice(app, client, login_as):
    p = build_province()
    _answers(p)
    db.session.commit()
    login_as(p.secretariat)
    response = client.get("/bao-cao/excel?tu_ngay=01/01/2026&den_ngay=31/12/2026")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data))["Ý kiến Nhân dân"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    line = next(r for r in rows if "UBND xã Gia Viễn" in r)
    start = line.index("UBND xã Gia Viễn")
    assert line[start + 1:start + 6] == [1, 2, 4.5, 1, 2]


def test_groups_list_only_models_with_answers_most_answered_first(app):
    p = build_province()
    _answers(p)
    quiet = services.open_survey(p.models["justice"])  # a survey nobody answered yet
    db.session.commit()
    assert quiet.id and [line.name for line in queries.by_model()] == ["Dân vận ở thôn bản"]
    services.submit(quiet, services.Answer(3, False), device="d" * 32, address="192.0.2.3")
    db.session.commit()
    assert [line.name for line in queries.by_model()] == ["Dân vận ở thôn bản", "Tư pháp gần dân"]
    assert [line.name for line in queries.by_model(limit=1)] == ["Dân vận ở thôn bản"]
    [organiser_line] = queries.by_organiser()
    assert organiser_line.models == 2
    assert (organiser_line.verified.responses, organiser_line.open.responses) == (2, 2)
