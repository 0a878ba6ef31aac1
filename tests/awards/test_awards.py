"""Commendation proposals: from a finalised round to a decision, and revocations."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from danvankheo.audit.models import AuditEvent
from danvankheo.awards import catalogue, decisions, errors, proposals
from danvankheo.awards import history as award_history
from danvankheo.awards.models import (
    DEFAULT_AWARD_FORMS,
    AwardForm,
    AwardHistoryIsPermanent,
    AwardLevel,
    AwardRevocation,
    Proposal,
    ProposalLine,
    ProposalState,
    RecipientType,
)
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.scoring import rounds
from tests.factories import make_initiative
from tests.markup import alerts

PROVINCIAL = "Bằng khen của Chủ tịch UBND tỉnh"


def _form(name: str = PROVINCIAL) -> AwardForm:
    return db.session.scalar(select(AwardForm).where(AwardForm.name == name))


def _proposal(finalised, **kwargs) -> Proposal:
    ids = kwargs.pop("ids", None) or proposals.excellent_initiative_ids(finalised.round)
    proposal = proposals.create_proposal(finalised.round, ids, _form(), actor=finalised.secretariat, **kwargs)
    db.session.commit()
    return proposal


def _details(**overrides) -> proposals.ProposalDetails:
    values = dict(title="Đề nghị khen thưởng phong trào thi đua “Dân vận khéo” năm 2026",
                  submission_number="125/TTr-SNV", submission_date=date(2026, 10, 20),
                  signer_name="Nguyễn Văn An", signer_title="Phó Giám đốc", signer_authority="KT. Giám đốc")
    values.update(overrides)
    return proposals.ProposalDetails(**values)


def _changes(proposal: Proposal, by_line: dict | None = None) -> list[proposals.LineChange]:
    changes = []
    for line in proposal.lines:
        change = proposals.LineChange(line.id, line.recipient_key, line.award_form_id, line.achievement_summary,
                                     line.note)
        for key, value in (by_line or {}).get(line.id, {}).items():
            setattr(change, key, value)
        changes.append(change)
    return changes


def _ready(proposal: Proposal, finalised) -> None:
    proposals.update_proposal(proposal, _details(), _changes(proposal), expected_version=proposal.version,
                             actor=finalised.secretariat)
    db.session.commit()


# --- Award forms ------------------------------------------------------------------------------


def test_default_award_forms_are_seeded_once(app):
    assert catalogue.seed_default_award_forms() == len(DEFAULT_AWARD_FORMS)
    assert catalogue.seed_default_award_forms() == 0
    names = [f.name for f in catalogue.award_forms()]
    assert "Giấy khen của Giám đốc Sở" in names and PROVINCIAL in names
    assert _form().level is AwardLevel.PROVINCE and _form().issuing_authority == "Chủ tịch Ủy ban nhân dân tỉnh"


def test_secretariat_manages_the_catalogue(client, login_as):
    catalogue.seed_default_award_forms()
    db.session.commit()
    login_as(Role.SECRETARIAT)
    response = client.post("/khen-thuong/hinh-thuc/moi", data={
        "name": "Giấy khen của Chủ tịch Ủy ban MTTQ tỉnh", "issuing_authority": "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
        "level": "province", "position": "60"})
    assert response.status_code == 303
    created = _form("Giấy khen của Chủ tịch Ủy ban MTTQ tỉnh")
    assert created.level is AwardLevel.PROVINCE and created.is_active
    duplicate = client.post("/khen-thuong/hinh-thuc/moi", data={
        "name": "bằng khen của chủ tịch ubnd tỉnh", "issuing_authority": "x", "level": "province"})
    assert duplicate.status_code == 200 and "đã có trong danh mục" in duplicate.get_data(as_text=True)
    edit = client.post(f"/khen-thuong/hinh-thuc/{created.id}", data={
        "name": created.name, "issuing_authority": "Chủ tịch Ủy ban MTTQ tỉnh", "level": "province",
        "position": "60"})  # is_active unticked: no longer offered
    assert edit.status_code == 303
    db.session.refresh(created)
    assert not created.is_active and created.issuing_authority == "Chủ tịch Ủy ban MTTQ tỉnh"
    page = client.get("/khen-thuong/hinh-thuc").get_data(as_text=True)
    assert "Ngừng dùng" in page and "Giấy khen của Giám đốc Sở" in page
    assert db.session.scalar(select(func.count()).where(AuditEvent.action.like("award_form.%"))) == 2


@pytest.mark.parametrize(("role", "path", "status"), [
    (Role.OBSERVER, "/khen-thuong/hinh-thuc", 200),
    (Role.OBSERVER, "/khen-thuong/hinh-thuc/moi", 403),
    (Role.STAFF, "/khen-thuong", 403),
    (Role.EVALUATOR, "/khen-thuong/hinh-thuc", 403),
    (Role.OBSERVER, "/khen-thuong/de-nghi/moi", 403),
    (Role.ADMIN, "/khen-thuong", 200),
])
def test_who_may_see_what(client, login_as, role, path, status):
    login_as(role)
    assert client.get(path).status_code == status


# --- Creating a proposal ----------------------------------------------------------------------


def test_new_proposal_page_preselects_the_excellent_models(client, login_as, finalised):
    login_as(finalised.secretariat)
    page = client.get(f"/khen-thuong/de-nghi/moi?dot={finalised.round.id}").get_data(as_text=True)
    checked = set(re.findall(r'value="(\d+)" id="chon-\d+"\s+checked', page))
    assert checked == {str(finalised.models["justice"].id), str(finalised.models["injection"].id)}
    response = client.post("/khen-thuong/de-nghi/moi", data={
        "dot": finalised.round.id, "title": "", "award_form_id": _form().id,
        "initiative_ids": [finalised.models["justice"].id, finalised.models["commune"].id]})
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert proposal.state is ProposalState.DRAFT and proposal.round_id == finalised.round.id
    assert proposal.title == "Đề nghị khen thưởng phong trào thi đua “Dân vận khéo” năm 2026"
    assert [(l.recipient_type, l.recipient_name) for l in proposal.lines] == [
        (RecipientType.COLLECTIVE, "Sở Tư pháp"), (RecipientType.COLLECTIVE, "UBND xã Gia Viễn")]


def test_lines_are_prefilled_from_results(finalised):
    proposal = _proposal(finalised)
    first = proposal.lines[0]
    assert first.initiative_name == "Tư pháp gần dân, vì dân" and first.unit_name == "Sở Tư pháp"
    assert first.score == pytest.approx(94.5) and first.grade == "Xuất sắc"
    assert "đạt 94,5 điểm, xếp loại Xuất sắc" in first.achievement_summary
    assert "Trợ giúp pháp lý cho 1.250 lượt người dân." in first.achievement_summary
    assert first.award_form.name == PROVINCIAL


def test_a_round_not_finalised_cannot_be_proposed(finalised):
    draft = rounds.create_round(rounds.RoundSettings(name="Đợt bổ sung", year=2026), by=finalised.secretariat)
    with pytest.raises(errors.AwardError, match="đã công bố kết quả"):
        proposals.create_proposal(draft, [], _form())


def test_a_model_outside_the_round_is_refused(finalised):
    outsider = make_initiative(finalised.units["justice"], name="Không dự đợt")
    with pytest.raises(errors.AwardError, match="không thuộc kết quả"):
        proposals.create_proposal(finalised.round, [outsider.id], _form())


# --- Editing lines ----------------------------------------------------------------------------


def test_choose_an_individual_with_position_and_edit_the_summary(finalised):
    proposal = _proposal(finalised)
    line = proposal.lines[0]
    member = finalised.models["justice"].members[0]
    proposals.update_proposal(
        proposal, _details(),
        _changes(proposal, {line.id: {"recipient_key": f"member:{member.id}",
                                        "achievement_summary": "Chủ trì xây dựng mô hình.",
                                        "award_form_id": _form("Giấy khen của Trưởng Ban Dân vận Tỉnh ủy").id}}),
        expected_version=proposal.version, actor=finalised.secretariat)
    db.session.commit()
    db.session.refresh(line)
    assert line.recipient_type is RecipientType.INDIVIDUAL
    assert (line.recipient_name, line.recipient_position) == ("Nguyễn Thị Hằng", "Phó Giám đốc Sở")
    assert line.member_id == member.id and line.achievement_summary == "Chủ trì xây dựng mô hình."
    assert line.award_form.name == "Giấy khen của Trưởng Ban Dân vận Tỉnh ủy"
    assert proposal.submission_number == "125/TTr-SNV" and proposal.signer_authority == "KT. Giám đốc"


def test_the_same_recipient_cannot_get_two_lines_for_one_model(finalised):
    proposal = _proposal(finalised)
    justice = finalised.models["justice"]
    with pytest.raises(errors.AwardError, match="đã có trong danh sách"):
        proposals.add_line(proposal, justice, f"unit:{justice.unit_id}", _form())
    second = proposals.add_line(proposal, justice, None, _form())  # the first recipient not yet proposed
    assert second.recipient_name == "Nguyễn Thị Hằng"
    db.session.commit()
    first = proposal.lines[0]
    with pytest.raises(errors.AwardError, match="hai lần"):
        proposals.update_proposal(proposal, _details(), _changes(proposal, {second.id: {
            "recipient_key": first.recipient_key}}), expected_version=proposal.version)
    db.session.rollback()
    # The database refuses it too, whatever the code path.
    db.session.add(ProposalLine(
        proposal_id=proposal.id, recipient_type=RecipientType.COLLECTIVE, recipient_key=first.recipient_key,
        unit_id=justice.unit_id, recipient_name="Sở Tư pháp", unit_name="Sở Tư pháp", initiative_id=justice.id,
        initiative_name=justice.name, award_form_id=_form().id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_swapping_two_recipients_is_allowed(finalised):
    proposal = _proposal(finalised)
    justice = finalised.models["justice"]
    member_line = proposals.add_line(proposal, justice, None, _form())
    db.session.commit()
    unit_line = proposal.lines[0]
    unit_key, member_key = unit_line.recipient_key, member_line.recipient_key
    proposals.update_proposal(proposal, _details(), _changes(proposal, {
        unit_line.id: {"recipient_key": member_key}, member_line.id: {"recipient_key": unit_key}}),
        expected_version=proposal.version)
    db.session.commit()
    assert (unit_line.recipient_key, member_line.recipient_key) == (member_key, unit_key)


def test_two_tabs_the_stale_save_is_refused(client, login_as, finalised):
    proposal = _proposal(finalised)
    login_as(finalised.secretariat)
    line = proposal.lines[0]
    page = client.get(f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)

    def save(summary: str):
        return client.post(f"/khen-thuong/de-nghi/{proposal.id}", data={
            "version": version, "title": proposal.title, "submission_number": "", "submission_date": "",
            "signer_name": "", "signer_title": "", "signer_authority": "", "action": "save",
            f"line-{line.id}-recipient": line.recipient_key, f"line-{line.id}-award_form": str(line.award_form_id),
            f"line-{line.id}-summary": summary, f"line-{line.id}-note": ""})

    first = save("Bản của tab thứ nhất.")
    assert first.status_code == 303
    second = save("Bản của tab thứ hai.")  # the second tab still holds the old version
    assert second.status_code == 409
    assert "vừa được người khác sửa" in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProposalLine, line.id).achievement_summary == "Bản của tab thứ nhất."


def test_removing_a_line_with_a_stale_page_is_refused(finalised):
    proposal = _proposal(finalised)
    stale = proposal.version
    proposals.update_proposal(proposal, _details(), _changes(proposal), expected_version=stale)
    db.session.commit()
    with pytest.raises(errors.StaleProposal):
        proposals.remove_line(proposal, proposal.lines[0], expected_version=stale)


# --- Workflow ---------------------------------------------------------------------------------


def test_submit_needs_the_submission_details_then_freezes_the_lines(client, login_as, finalised):
    proposal = _proposal(finalised)
    with pytest.raises(errors.AwardError, match="số Tờ trình"):
        proposals.submit_proposal(proposal)
    _ready(proposal, finalised)
    proposals.submit_proposal(proposal, expected_version=proposal.version, actor=finalised.secretariat)
    db.session.commit()
    assert proposal.state is ProposalState.SUBMITTED and proposal.submitted_at is not None
    with pytest.raises(errors.AwardError, match="không sửa được"):
        proposals.update_proposal(proposal, _details(), _changes(proposal), expected_version=proposal.version)
    with pytest.raises(errors.AwardError, match="không sửa được"):
        proposals.add_line(proposal, finalised.models["commune"], None, _form())
    with pytest.raises(errors.AwardError, match="không sửa được"):
        proposals.remove_line(proposal, proposal.lines[0])
    login_as(finalised.secretariat)
    page = client.get(f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert 'data-testid="proposal-form"' not in page and 'data-testid="decision-form"' in page
    response = client.post(f"/khen-thuong/de-nghi/{proposal.id}", data={"title": "x", "version": proposal.version})
    assert response.status_code == 400


def test_approval_records_the_decision_grants_awards_and_tells_the_units(client, login_as, finalised):
    proposal = _proposal(finalised)
    _ready(proposal, finalised)
    proposals.submit_proposal(proposal)
    db.session.commit()
    login_as(finalised.secretariat)
    response = client.post(f"/khen-thuong/de-nghi/{proposal.id}/quyet-dinh", data={
        "qd-version": proposal.version, "qd-decision_number": "2150/QĐ-UBND", "qd-decision_date": "2026-11-02"})
    assert response.status_code == 303
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.state is ProposalState.APPROVED
    assert (proposal.decision_number, proposal.decision_date) == ("2150/QĐ-UBND", date(2026, 11, 2))
    notes = list(db.session.scalars(select(Notification).where(Notification.kind == "awards.approved")))
    assert [n.user_id for n in notes] == [finalised.staff["justice"].id]  # the commune was not proposed
    assert "2150/QĐ-UBND" in notes[0].title
    justice = finalised.models["justice"]
    assert [l.id for l in award_history.awards_for_initiative(justice)] == [proposal.lines[0].id]
    assert [l.recipient_name for l in award_history.awards_for_unit(finalised.units["justice"])] == ["Sở Tư pháp"]
    assert award_history.awards_for_unit(finalised.units["commune"]) == []
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Proposal")))
    assert {"proposal.create", "proposal.update", "proposal.submit", "proposal.approve"} <= actions


def test_approval_needs_a_decision_date_not_before_the_submission(finalised):
    proposal = _proposal(finalised)
    _ready(proposal, finalised)
    with pytest.raises(errors.AwardError, match="đã trình"):
        decisions.approve_proposal(proposal, "1/QĐ", date(2026, 11, 1))
    proposals.submit_proposal(proposal)
    with pytest.raises(errors.AwardError, match="trước ngày Tờ trình"):
        decisions.approve_proposal(proposal, "1/QĐ", date(2026, 1, 1))


def test_a_returned_proposal_can_be_corrected_and_resubmitted(client, login_as, finalised):
    proposal = _proposal(finalised)
    _ready(proposal, finalised)
    proposals.submit_proposal(proposal)
    db.session.commit()
    login_as(finalised.secretariat)
    client.post(f"/khen-thuong/de-nghi/{proposal.id}/tra-lai",
                data={"tl-version": proposal.version, "tl-reason": "Bổ sung biên bản họp Hội đồng."})
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.state is ProposalState.RETURNED and proposal.return_reason == "Bổ sung biên bản họp Hội đồng."
    assert proposal.is_editable
    proposals.add_line(proposal, finalised.models["commune"], None, _form("Giấy khen của Trưởng Ban Dân vận Tỉnh ủy"))
    proposals.submit_proposal(proposal)
    db.session.commit()
    assert proposal.state is ProposalState.SUBMITTED and len(proposal.lines) == 3


DECISION_INCOMPLETE = "Vui lòng nhập số và ngày của Quyết định khen thưởng."
RETURN_INCOMPLETE = "Vui lòng nhập lý do trả lại."


@pytest.mark.parametrize(
    ("step", "data", "message", "other"),
    [
        ("quyet-dinh", {"qd-decision_number": "", "qd-decision_date": ""}, DECISION_INCOMPLETE, RETURN_INCOMPLETE),
        ("quyet-dinh", {"qd-decision_number": "2150/QĐ-UBND", "qd-decision_date": ""}, DECISION_INCOMPLETE,
         RETURN_INCOMPLETE),
        ("quyet-dinh", {"qd-decision_number": "  ", "qd-decision_date": "2026-11-02"}, DECISION_INCOMPLETE,
         RETURN_INCOMPLETE),
        ("tra-lai", {"tl-reason": ""}, RETURN_INCOMPLETE, DECISION_INCOMPLETE),
        ("tra-lai", {"tl-reason": "   "}, RETURN_INCOMPLETE, DECISION_INCOMPLETE),
    ],
    ids=["decision-empty", "decision-no-date", "decision-blank-number", "return-empty", "return-blank-reason"],
)
def test_an_incomplete_decision_or_return_says_what_is_missing_and_changes_nothing(
        client, login_as, finalised, step, data, message, other):
    """Each step's form refuses with its own words (the service behind it would refuse alike)."""
    proposal = _proposal(finalised)
    _ready(proposal, finalised)
    proposals.submit_proposal(proposal)
    db.session.commit()
    version = proposal.version
    login_as(finalised.secretariat)
    prefix = "qd" if step == "quyet-dinh" else "tl"
    response = client.post(f"/khen-thuong/de-nghi/{proposal.id}/{step}", data={f"{prefix}-version": version, **data})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert alerts(page, "danger") == [message]
    assert other not in page and not alerts(page, "success")
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.state is ProposalState.SUBMITTED and proposal.version == version
    assert (proposal.decision_number, proposal.decision_date, proposal.return_reason) == (None, None, None)
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Proposal")))
    assert not actions & {"proposal.approve", "proposal.return"}


def _approved(finalised) -> Proposal:
    proposal = _proposal(finalised)
    _ready(proposal, finalised)
    proposals.submit_proposal(proposal)
    decisions.approve_proposal(proposal, "2150/QĐ-UBND", date(2026, 11, 2))
    db.session.commit()
    return proposal


def test_revoking_an_award_keeps_it_in_the_history(client, login_as, finalised):
    proposal = _approved(finalised)
    line = proposal.lines[0]
    login_as(finalised.secretariat)
    empty = client.post(f"/khen-thuong/da-khen/{line.id}/huy", data={"reason": ""})
    assert empty.status_code == 200 and "Vui lòng nhập" in empty.get_data(as_text=True)
    response = client.post(f"/khen-thuong/da-khen/{line.id}/huy", data={
        "reason": "Hồ sơ báo cáo kết quả không đúng sự thật.", "decision_number": "99/QĐ-UBND",
        "decision_date": "2027-03-01"})
    assert response.status_code == 303
    db.session.expire_all()
    line = db.session.get(ProposalLine, line.id)
    assert line.is_revoked and line.revocation.decision_number == "99/QĐ-UBND"
    history = award_history.awards_for_initiative(finalised.models["justice"])
    assert [l.id for l in history] == [line.id]  # still listed, marked revoked
    page = client.get(f"/khen-thuong/don-vi?don_vi={finalised.units['justice'].id}").get_data(as_text=True)
    assert "Đã hủy theo Quyết định số 99/QĐ-UBND" in page and "Hồ sơ báo cáo kết quả không đúng sự thật." in page
    with pytest.raises(errors.AwardError, match="đã bị hủy"):
        decisions.revoke_award(line, "Lần hai")
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "award.revoke")) == 1


def test_granted_awards_and_revocations_cannot_be_deleted(finalised):
    proposal = _approved(finalised)
    line = proposal.lines[0]
    revocation = decisions.revoke_award(line, "Khai man thành tích.")
    db.session.commit()
    db.session.delete(revocation)
    with pytest.raises(AwardHistoryIsPermanent):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(Proposal, proposal.id))
    with pytest.raises(AwardHistoryIsPermanent):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(errors.AwardError, match="Chỉ xóa"):
        proposals.delete_proposal(db.session.get(Proposal, proposal.id))
    revocation = db.session.scalar(select(AwardRevocation))
    revocation.reason = "Sửa lại"
    with pytest.raises(AwardHistoryIsPermanent):
        db.session.flush()
    db.session.rollback()


def test_staff_see_their_units_awards(client, login_as, finalised):
    _approved(finalised)
    login_as(finalised.staff["justice"])
    page = client.get("/khen-thuong/don-vi").get_data(as_text=True)
    assert PROVINCIAL in page and "Quyết định số 2150/QĐ-UBND ngày 02/11/2026" in page
    assert client.get(f"/khen-thuong/don-vi?don_vi={finalised.units['commune'].id}").get_data(as_text=True).count(
        "Sở Tư pháp") >= 1  # staff cannot pick another unit: still their own


def test_history_partial_renders_for_other_pages(app, finalised):
    proposal = _approved(finalised)
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string(
            '{% with awards = awards_for_initiative(model) %}{% include "awards/_history.html" %}{% endwith %}',
            model=finalised.models["justice"])
    assert "Bằng khen của Chủ tịch UBND tỉnh" in html and proposal.decision_number in html


def test_the_proposal_page_for_a_draft(client, login_as, finalised):
    proposal = _proposal(finalised)
    login_as(finalised.secretariat)
    page = client.get(f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert 'data-testid="proposal-form"' in page and "Nguyễn Thị Hằng – Phó Giám đốc Sở" in page
    assert "Để trình cần bổ sung" in page
    add = client.post(f"/khen-thuong/de-nghi/{proposal.id}/them-dong", data={
        "version": proposal.version, "initiative_id": finalised.models["injection"].id, "award_form_id": _form().id})
    assert add.status_code == 303
    db.session.expire_all()
    assert [l.recipient_name for l in db.session.get(Proposal, proposal.id).lines][-1] == "Phạm Thị Lan"
    line = db.session.get(Proposal, proposal.id).lines[-1]
    remove = client.post(f"/khen-thuong/de-nghi/{proposal.id}/dong/{line.id}/xoa",
                         data={"version": db.session.get(Proposal, proposal.id).version})
    assert remove.status_code == 303
    db.session.expire_all()
    assert len(db.session.get(Proposal, proposal.id).lines) == 2


def test_the_models_page_lists_its_awards(client, login_as, finalised):
    proposal = _approved(finalised)
    login_as(finalised.staff["justice"])
    page = client.get(f"/mo-hinh/{finalised.models['justice'].id}").get_data(as_text=True)
    section = page.split('data-testid="award-history"')[1].split("</section>")[0]
    assert "Bằng khen của Chủ tịch UBND tỉnh" in section and f"Quyết định số {proposal.decision_number}" in section


def test_the_registry_and_compliance_pages_offer_the_excel_download(client, login_as, finalised):
    login_as(finalised.secretariat)
    listing = client.get("/mo-hinh?nam=2026&q=d%C3%A2n").get_data(as_text=True)
    assert 'href="/xuat-excel/mo-hinh?nam=2026&amp;q=d%C3%A2n"' in listing
    assert 'href="/xuat-excel/tinh-hinh-dang-ky?nam=2026"' in client.get("/mo-hinh/tinh-hinh-dang-ky?nam=2026").get_data(
        as_text=True)


def test_staff_home_shows_their_units_awards(client, login_as, finalised):
    login_as(finalised.staff["commune"])
    assert 'data-panel="awards-unit"' not in client.get("/trang-chu").get_data(as_text=True)
    _approved(finalised)
    client.post("/dang-xuat")
    login_as(finalised.staff["justice"])
    page = client.get("/trang-chu").get_data(as_text=True)
    assert 'data-panel="awards-unit"' in page and "Quyết định số 2150/QĐ-UBND" in page
