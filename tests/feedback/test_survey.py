"""The people's survey: the public page, its refusals, one-time codes, replacement per device,
rate limits, bursts, the secretariat's review and what the council sees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from danvankheo.audit.models import AuditEvent
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.feedback import limits, services
from danvankheo.feedback.models import (
    CommentReview,
    ResponseState,
    Survey,
    SurveyCode,
    SurveyResponse,
    SurveyTally,
)
from danvankheo.registry import workflow
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, rounds
from danvankheo.scoring.models import RoundState
from tests.factories import make_initiative, make_user
from tests.scoring.conftest import build_province


@pytest.fixture
def world(app):
    p = build_province()
    survey = services.open_survey(p.models["commune"])
    db.session.commit()
    return p, survey


def answer(client, survey, **fields):
    data = {"rating": "4", "took_part": "yes", **fields}
    return client.post(f"/y-kien/{survey.public_code}", data=data)


def tally(survey_id: int, verified: bool) -> SurveyTally:
    db.session.expire_all()
    return db.session.get(SurveyTally, (survey_id, verified))


# ---------------------------------------------------------------- the public page

def test_accepting_a_model_opens_its_survey(app):
    p = build_province()
    model = make_initiative(p.commune, name="Mô hình mới", status=Status.SUBMITTED)
    workflow.transition(model, Status.ACCEPTED, p.secretariat)
    survey = db.session.scalar(select(Survey).where(Survey.initiative_id == model.id))
    assert survey is not None and len(survey.public_code) >= 20
    assert {t.is_verified for t in survey.tallies} == {True, False}


def test_public_page_shows_the_summary_only_and_says_no_personal_data(client, world):
    p, survey = world
    model = p.models["commune"]
    page = client.get(f"/y-kien/{survey.public_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert model.name in html and model.unit.name in html
    assert "không hỏi họ tên, số điện thoại hay email" in html
    # Never the dossier's other fields (the lead's phone, the results the unit claims) or evidence.
    assert model.lead_phone not in html and model.results_quantitative not in html
    assert "minh-chung" not in html and "<script" not in html
    assert 'name="trang_web"' in html  # the honeypot
    assert "UBND xã Gia Viễn" in html  # the commune list comes from the unit tree
    # One light page: its own small stylesheet, no script at all, nothing inline (CSP).
    assert "<script" not in html and " style=" not in html and "bootstrap" not in html
    assert len(page.data) < 20_000


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.REJECTED])
def test_unknown_code_and_model_not_accepted_answer_404_alike(client, world, status):
    p, survey = world
    unknown = client.get("/y-kien/khong-co-ma-nay-1234567890")
    model = p.models["commune"]
    model.status = status
    db.session.commit()
    hidden = client.get(f"/y-kien/{survey.public_code}")
    assert unknown.status_code == hidden.status_code == 404
    assert model.name not in hidden.get_data(as_text=True)
    # The two pages say the same thing: nothing tells a stranger the model exists.
    strip = lambda r: re.sub(r"[0-9a-f]{16}", "", r.get_data(as_text=True))  # noqa: E731 (request ids)
    assert strip(unknown) == strip(hidden)
    assert answer(client, survey).status_code == 404


def test_an_answer_is_counted_and_thanked(client, world):
    _p, survey = world
    response = answer(client, survey, rating="5", took_part="no", comment="Rất tốt")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cam-on")
    assert "Cảm ơn bạn đã gửi ý kiến" in client.get(response.headers["Location"]).get_data(as_text=True)
    t = tally(survey.id, False)
    assert (t.responses, t.rating_5, t.took_part, t.rating_sum, t.comments_pending) == (1, 1, 0, 5, 1)
    assert tally(survey.id, True).responses == 0


@pytest.mark.parametrize(("fields", "message"), [
    ({"rating": "6"}, "Vui lòng chọn mức hài lòng từ 1 đến 5."),
    ({"rating": "0"}, "Vui lòng chọn mức hài lòng từ 1 đến 5."),
    ({"rating": "abc"}, "Vui lòng chọn mức hài lòng từ 1 đến 5."),
    ({"took_part": ""}, "Vui lòng cho biết bạn có tham gia"),
    ({"comment": "x" * 1001}, "Góp ý dài 1.001 ký tự, vượt quá 1.000 ký tự cho phép."),
    ({"code": "ZZZZ-ZZZZ"}, "Mã phiếu không đúng."),
    ({"residence": "999999"}, "Xã, phường đã chọn không có trong danh sách."),
])
def test_bad_input_is_refused_with_a_message_and_nothing_counted(client, world, fields, message):
    _p, survey = world
    response = answer(client, survey, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert tally(survey.id, False).responses == 0
    assert db.session.scalar(select(SurveyResponse.id)) is None


def test_markup_in_a_comment_is_kept_as_text_and_shown_escaped(client, world, login_as):
    p, survey = world
    comment = '<script>alert("x")</script><b>đậm</b>'
    answer(client, survey, comment=comment)
    stored = db.session.scalar(select(SurveyResponse))
    assert stored.comment == comment
    login_as(p.secretariat)
    page = client.get(f"/mo-hinh/{p.models['commune'].id}/y-kien").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;đậm&lt;/b&gt;" in page
    assert '<script>alert("x")' not in page


def test_closed_survey_thanks_and_refuses(client, world):
    p, survey = world
    rounds.start_scoring(p.round, by=p.secretariat)
    db.session.commit()
    assert "Gửi ý kiến" in client.get(f"/y-kien/{survey.public_code}").get_data(as_text=True)
    rounds.close_scoring(p.round, by=p.secretariat)
    db.session.commit()
    page = client.get(f"/y-kien/{survey.public_code}").get_data(as_text=True)
    assert "Cuộc lấy ý kiến đã kết thúc" in page and "Gửi ý kiến" not in page
    assert "Cuộc lấy ý kiến đã kết thúc" in answer(client, survey).get_data(as_text=True)
    assert tally(survey.id, False).responses == 0
    assert p.round.state is RoundState.CLOSED


def test_honeypot_is_thanked_and_nothing_stored(client, world):
    _p, survey = world
    response = answer(client, survey, trang_web="http://spam.example")
    assert response.status_code == 302
    assert db.session.scalar(select(SurveyResponse.id)) is None


# ---------------------------------------------------------------- one-time codes

def test_a_code_counts_as_verified_once(client, world):
    p, survey = world
    code = services.generate_codes(survey, 2, p.secretariat)[0]
    db.session.commit()
    first = answer(client, survey, code=services.format_code(code.code).lower())
    assert first.status_code == 302
    again = answer(client, survey, code=code.code)
    assert again.status_code == 422
    assert "Mã phiếu này đã được dùng." in again.get_data(as_text=True)
    assert tally(survey.id, True).responses == 1
    assert tally(survey.id, False).responses == 0
    assert db.session.scalar(select(SurveyResponse)).code_id == code.id


def test_codes_sheet_prints_the_codes(client, world, login_as):
    p, survey = world
    login_as(p.secretariat)
    model = p.models["commune"]
    assert client.post(f"/mo-hinh/{model.id}/y-kien/ma-phieu", data={"count": "12"}).status_code == 302
    codes = db.session.scalars(select(SurveyCode).where(SurveyCode.survey_id == survey.id)).all()
    assert len(codes) == 12 and len({c.code for c in codes}) == 12
    sheet = client.get(f"/mo-hinh/{model.id}/y-kien/ma-phieu/1.docx")
    assert sheet.status_code == 200
    from io import BytesIO

    from docx import Document

    text = "\n".join(cell.text for table in Document(BytesIO(sheet.data)).tables
                     for row in table.rows for cell in row.cells)
    assert all(services.format_code(c.code) in text for c in codes)
    assert any(e.action == "survey.codes" for e in db.session.scalars(select(AuditEvent)))


# ---------------------------------------------------------------- replacement and rate limits

def test_a_second_answer_from_the_same_device_replaces_the_first(client, world):
    _p, survey = world
    client.get(f"/y-kien/{survey.public_code}")  # the device cookie
    answer(client, survey, rating="1", took_part="no", comment="Chưa tốt")
    answer(client, survey, rating="5", took_part="yes")
    t = tally(survey.id, False)
    assert (t.responses, t.rating_1, t.rating_5, t.took_part, t.rating_sum, t.comments_pending) == (1, 0, 1, 1, 5, 0)
    states = [r.state for r in db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id))]
    assert states == [ResponseState.REPLACED, ResponseState.COUNTED]  # kept, not deleted
    # Another device adds a second answer.
    client.delete_cookie("dvk_thiet_bi")
    answer(client, survey, rating="3")
    assert tally(survey.id, False).responses == 2


def test_rate_limit_per_device_and_per_address(client, world, app):
    _p, survey = world
    app.config.update(FEEDBACK_RATE_LIMIT_ENABLED=True, FEEDBACK_LIMIT_PER_DEVICE="3 per 10 minutes",
                      FEEDBACK_LIMIT_PER_ADDRESS="5 per 10 minutes")
    try:
        with app.test_request_context():
            limits.reset()
        client.get(f"/y-kien/{survey.public_code}")
        codes = [answer(client, survey).status_code for _ in range(4)]
        assert codes == [302, 302, 302, 429]
        refused = answer(client, survey)
        assert "Bạn đã gửi quá nhiều ý kiến" in refused.get_data(as_text=True)
        # New devices from the same address: the address has sent 3 answers (refused attempts
        # are not counted twice), so its limit (5) lets two more through and stops the next.
        statuses = []
        for _ in range(3):
            client.delete_cookie("dvk_thiet_bi")
            statuses.append(answer(client, survey).status_code)
        assert statuses == [302, 302, 429]
        assert tally(survey.id, False).responses == 3  # one per device: replacement held too
    finally:
        app.config.update(FEEDBACK_RATE_LIMIT_ENABLED=False)
        with app.test_request_context():
            limits.reset()


# ---------------------------------------------------------------- no personal data

def test_no_personal_data_is_stored(client, world):
    _p, survey = world
    client.get(f"/y-kien/{survey.public_code}")
    response = client.post(f"/y-kien/{survey.public_code}", data={"rating": "4", "took_part": "yes"},
                           environ_base={"REMOTE_ADDR": "203.0.113.77"},
                           headers={"User-Agent": "Mozilla/5.0 DienThoaiRe"})
    assert response.status_code == 302
    device = client.get_cookie("dvk_thiet_bi").value
    row = db.session.scalar(select(SurveyResponse))
    columns = {c.key for c in inspect(SurveyResponse).columns}
    assert not columns & {"name", "full_name", "phone", "email", "ip_address", "user_agent", "user_id"}
    values = " ".join(str(getattr(row, c)) for c in columns)
    assert "203.0.113.77" not in values and device not in values and "DienThoaiRe" not in values
    assert row.address_hash and len(row.address_hash) == 64 and row.device_hash != device
    # The public answer writes no audit event (which would keep the address).
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.ip_address == "203.0.113.77")) is None


# ---------------------------------------------------------------- bursts, set aside, comments

def test_burst_is_flagged_and_setting_aside_is_audited(client, world, login_as):
    p, survey = world
    start = services.utcnow() - timedelta(minutes=30)
    for i in range(12):
        services.submit(survey, services.Answer(5, True), device=f"bot{i:029d}", address="198.51.100.9",
                        now=start + timedelta(seconds=20 * i))
    services.submit(survey, services.Answer(3, True), device="x" * 32, address="192.0.2.1",
                    now=start - timedelta(hours=3))
    db.session.commit()
    login_as(p.secretariat)
    model = p.models["commune"]
    page = client.get(f"/mo-hinh/{model.id}/y-kien").get_data(as_text=True)
    assert "Cảnh báo dồn dập" in page and "12 câu trả lời từ 1 địa chỉ mạng" in page
    assert page.count('data-burst="1"') == 12
    target = db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).first()
    refused = client.post(f"/mo-hinh/{model.id}/y-kien/{target.id}/de-rieng", data={"reason": ""})
    assert refused.status_code == 302 and tally(survey.id, False).responses == 13
    client.post(f"/mo-hinh/{model.id}/y-kien/{target.id}/de-rieng", data={"reason": "Phiếu ảo, gửi dồn dập"})
    db.session.expire_all()
    target = db.session.get(SurveyResponse, target.id)
    assert target.state is ResponseState.SET_ASIDE and target.set_aside_reason == "Phiếu ảo, gửi dồn dập"
    t = tally(survey.id, False)
    assert (t.responses, t.rating_5, t.rating_sum) == (12, 11, 58)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey_response.set_aside"))
    assert event.reason == "Phiếu ảo, gửi dồn dập" and event.actor_id == p.secretariat.id
    assert db.session.scalar(select(SurveyResponse).where(SurveyResponse.id == target.id)) is not None


def test_management_and_poster_pages_carry_nothing_inline(client, world, login_as):
    p, survey = world
    login_as(p.secretariat)
    model = p.models["commune"]
    for path in (f"/mo-hinh/{model.id}/y-kien", f"/mo-hinh/{model.id}/y-kien/ap-phich/a4",
                 f"/mo-hinh/{model.id}/y-kien/ap-phich/a5"):
        html = client.get(path).get_data(as_text=True)
        assert " style=" not in html and not re.search(r"\son[a-z]+\s*=", html), path
        assert survey.public_code in html
    assert client.get(f"/mo-hinh/{model.id}/y-kien/ap-phich/a3").status_code == 404
    docx = client.get(f"/mo-hinh/{model.id}/y-kien/ap-phich/a5.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")


def test_staff_of_the_unit_sees_counts_not_the_responses(client, world, login_as):
    p, survey = world
    services.submit(survey, services.Answer(4, True, comment="Góp ý riêng"), device="d" * 32, address="192.0.2.5")
    db.session.commit()
    staff = make_user(Role.STAFF, unit=p.commune)
    login_as(staff)
    page = client.get(f"/mo-hinh/{p.models['commune'].id}/y-kien").get_data(as_text=True)
    assert "Mức hài lòng của Nhân dân" in page and "Góp ý riêng" not in page
    other = make_user(Role.STAFF, unit=p.justice)
    switch(client, login_as, other)
    assert client.get(f"/mo-hinh/{p.models['commune'].id}/y-kien").status_code == 404


def switch(client, login_as, user) -> None:
    client.post("/dang-xuat")
    login_as(user)


def _scoring_world(p, survey):
    assignments.assign(p.round, p.models["commune"], p.evaluators["justice"], by=p.secretariat)
    rounds.start_scoring(p.round, by=p.secretariat)
    db.session.commit()


def test_comments_stay_hidden_from_evaluators_until_reviewed(client, world, login_as):
    p, survey = world
    model = p.models["commune"]
    _scoring_world(p, survey)
    services.submit(survey, services.Answer(5, True, comment="Cán bộ <b>nhiệt tình</b>"), device="a" * 32,
                    address="192.0.2.7")
    services.submit(survey, services.Answer(2, False, comment="Chưa thấy hiệu quả"), device="b" * 32,
                    address="192.0.2.8")
    db.session.commit()
    first, second = db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).all()
    url = f"/cham-diem/{p.round.id}/{model.id}"

    login_as(p.evaluators["justice"])
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="people-voice"' in page
    assert "nhiệt tình" not in page and "Chưa thấy hiệu quả" not in page
    assert "Chưa có góp ý được duyệt." in page

    switch(client, login_as, p.secretariat)
    client.post(f"/mo-hinh/{model.id}/y-kien/{first.id}/gop-y", data={"decision": "show"})
    client.post(f"/mo-hinh/{model.id}/y-kien/{second.id}/gop-y", data={"decision": "hide", "reason": "Không liên quan"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey_response.comment_review")).all()
    assert len(events) == 2

    switch(client, login_as, p.evaluators["justice"])
    page = client.get(url).get_data(as_text=True)
    assert "Cán bộ &lt;b&gt;nhiệt tình&lt;/b&gt;" in page  # escaped, never markup
    assert "Chưa thấy hiệu quả" not in page
    db.session.expire_all()
    assert db.session.get(SurveyResponse, second.id).comment_review is CommentReview.SET_ASIDE
    assert tally(survey.id, False).comments_pending == 0


def test_council_panel_shows_verified_and_open_apart_with_a_confidence_interval(client, world, login_as):
    p, survey = world
    _scoring_world(p, survey)
    codes = services.generate_codes(survey, 3, p.secretariat)
    for i, (rating, code) in enumerate(zip((5, 4, 4), codes, strict=True)):
        services.submit(survey, services.Answer(rating, True, code=code.code), device=f"{i:032d}", address="192.0.2.9")
    for i, rating in enumerate((1, 3)):
        services.submit(survey, services.Answer(rating, i == 0), device=f"o{i:031d}", address="192.0.2.10")
    db.session.commit()
    login_as(p.evaluators["justice"])
    page = client.get(f"/cham-diem/{p.round.id}/{p.models['commune'].id}").get_data(as_text=True)
    verified = re.search(r'data-testid="verified-count">(\d+)<', page).group(1)
    opened = re.search(r'data-testid="open-count">(\d+)<', page).group(1)
    assert (verified, opened) == ("3", "2")
    assert re.search(r'data-testid="verified-mean">4,33<', page)
    # scipy's t: mean 13/3, s = 0.577, t(0.975, 2) = 4.303 → 4.33 ± 1.43, clipped to 5.
    assert "khoảng tin cậy 95%: 2,90 – 5,00" in page
    assert page.index('data-testid="people-voice"') < page.index('data-testid="score-form"')


def test_summary_interval_matches_scipy():
    from scipy import stats

    s = services.side_from_counts(4, {1: 0, 2: 1, 3: 1, 4: 1, 5: 1}, 2, 14, 54)
    low, high = stats.t.interval(0.95, 3, loc=3.5, scale=stats.sem([2, 3, 4, 5]))
    assert s.mean == 3.5 and s.ci_low == pytest.approx(max(low, 1)) and s.ci_high == pytest.approx(min(high, 5))
    assert s.took_part_share == 0.5


def test_survey_closes_when_the_scoring_window_has_ended(client, world):
    p, survey = world
    rounds.start_scoring(p.round, by=p.secretariat)
    p.round.closes_at = services.utcnow() + timedelta(hours=1)
    db.session.commit()
    assert not services.is_closed(survey)
    assert services.is_closed(survey, services.utcnow() + timedelta(hours=2))
    p.round.closes_at = services.utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "Cuộc lấy ý kiến đã kết thúc" in client.get(f"/y-kien/{survey.public_code}").get_data(as_text=True)


def test_secretariat_overview_puts_bursts_and_pending_comments_first(client, world, login_as):
    p, survey = world
    quiet = services.open_survey(p.models["justice"])
    services.submit(quiet, services.Answer(4, True), device="q" * 32, address="192.0.2.60")
    services.submit(survey, services.Answer(3, True, comment="Cần họp dân thường xuyên hơn"), device="c" * 32,
                    address="192.0.2.61")
    for i in range(10):
        services.submit(survey, services.Answer(5, True), device=f"{i:032d}", address="198.51.100.20")
    db.session.commit()
    login_as(p.secretariat)
    page = client.get("/y-kien-nhan-dan").get_data(as_text=True)
    assert 'data-testid="overview-burst">Nhiều câu trả lời từ 1 địa chỉ' in page
    assert page.index("Dân vận ở thôn bản") < page.index("Tư pháp gần dân")
    assert "Ý kiến Nhân dân" in page and 'href="/y-kien-nhan-dan"' in page  # in the menu
    switch(client, login_as, make_user(Role.STAFF, unit=p.commune))
    assert client.get("/y-kien-nhan-dan").status_code == 403
