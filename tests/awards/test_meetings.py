"""The council meeting screen: who may record it, what it refuses, what it keeps."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from danvankheo.audit.models import AuditEvent
from danvankheo.awards import decisions, meetings, proposals
from danvankheo.awards.models import AwardForm, CouncilMeeting, CouncilVote, Proposal, default_pass_votes
from danvankheo.core.roles import Role
from danvankheo.extensions import db

PROVINCIAL = "Bằng khen của Chủ tịch UBND tỉnh"


@pytest.fixture
def proposal(finalised) -> Proposal:
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == PROVINCIAL))
    proposal = proposals.create_proposal(finalised.round, proposals.excellent_initiative_ids(finalised.round), form,
                                        actor=finalised.secretariat)
    proposals.add_line(proposal, finalised.models["justice"], None, form, actor=finalised.secretariat)
    finalised.round.finalised_at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    db.session.commit()
    return proposal


def _post(proposal: Proposal, **overrides) -> dict:
    data = {"meeting_date": "2026-11-25", "place": "Phòng họp số 1, Sở Nội vụ", "chair_name": "Trần Văn Bình",
            "chair_title": "Phó Chủ tịch Hội đồng", "secretary_name": "Lê Thị Mai", "members_total": "9",
            "members_present": "8", "pass_votes": ""}
    for index, line in enumerate(proposal.lines):
        data[f"vote_{line.id}"] = str(8 - index)
    data.update(overrides)
    return data


def _url(proposal: Proposal) -> str:
    return f"/khen-thuong/de-nghi/{proposal.id}/hop-hoi-dong"


def test_secretariat_records_the_meeting_and_votes(client, login_as, proposal, finalised):
    login_as(finalised.secretariat)
    assert client.get(_url(proposal)).status_code == 200
    response = client.post(_url(proposal), data=_post(proposal))
    assert response.status_code == 303
    meeting = db.session.scalar(select(CouncilMeeting))
    assert (meeting.meeting_date, meeting.members_present, meeting.members_total) == (date(2026, 11, 25), 8, 9)
    assert meeting.pass_votes == 5  # more than half of 9 members
    assert sorted(v.votes_for for v in meeting.votes) == sorted(8 - i for i in range(len(proposal.lines)))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "proposal.meeting"))
    assert event.object_id == proposal.id and event.changes["members_present"] == [None, 8]
    page = client.get(f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert "8/9 thành viên có mặt" in page


def test_the_threshold_is_a_setting_of_the_form(client, login_as, proposal, finalised):
    login_as(finalised.secretariat)
    assert client.post(_url(proposal), data=_post(proposal, pass_votes="7")).status_code == 303
    meeting = db.session.scalar(select(CouncilMeeting))
    assert meeting.pass_votes == 7
    assert [meeting.passes(v.votes_for) for v in sorted(meeting.votes, key=lambda v: -v.votes_for)] == [True, True,
                                                                                                    False]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"members_present": "10"}, "members_present",
         "Số thành viên có mặt (10) không được nhiều hơn tổng số thành viên Hội đồng (9)."),
        ({"meeting_date": "2026-11-19"}, "meeting_date",
         "Ngày họp không được trước ngày công bố kết quả đợt đánh giá (20/11/2026)."),
        ({"meeting_date": "2099-01-01"}, "meeting_date",
         "Ngày họp không được sau ngày hôm nay: chỉ ghi biên bản cuộc họp đã diễn ra."),
        ({"members_present": "6"}, "vote", "Số phiếu đồng ý (8) không được nhiều hơn số thành viên có mặt (6)."),
        ({"pass_votes": "10"}, "pass_votes", "Số phiếu đồng ý để đạt phải từ 1 đến 9 (tổng số thành viên)."),
        ({"place": "  "}, "place", "Vui lòng nhập trường này."),
        ({"members_total": ""}, "members_total", "Vui lòng nhập trường này."),
        ({"vote": ""}, "vote", "Vui lòng nhập số phiếu đồng ý cho"),
        ({"vote": "-1"}, "vote", "Từ 0 đến 1.000."),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_is_written(
    client, login_as, proposal, finalised, overrides, field, message
):
    login_as(finalised.secretariat)
    first = proposal.lines[0]
    if "vote" in overrides:
        overrides = {f"vote_{first.id}": overrides.pop("vote"), **overrides}
    response = client.post(_url(proposal), data=_post(proposal, **overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CouncilMeeting)) == 0
    assert db.session.scalar(select(func.count()).select_from(CouncilVote)) == 0
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "proposal.meeting")) == 0


def test_a_second_save_replaces_the_votes(client, login_as, proposal, finalised):
    login_as(finalised.secretariat)
    client.post(_url(proposal), data=_post(proposal))
    first = proposal.lines[0]
    assert client.post(_url(proposal), data=_post(proposal, **{f"vote_{first.id}": "3"})).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(CouncilMeeting)) == 1
    vote = db.session.scalar(select(CouncilVote).where(CouncilVote.line_id == first.id))
    assert vote.votes_for == 3
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "proposal.meeting")))
    assert len(events) == 2 and events[1].changes["votes"][1][str(first.id)] == 3


def test_an_approved_proposal_keeps_its_minutes(proposal, finalised):
    data = meetings.MeetingData(meeting_date=date(2026, 11, 25), place="Phòng họp", chair_name="A",
                                secretary_name="B", members_total=5, members_present=5,
                                votes={line.id: 5 for line in proposal.lines})
    meetings.record_meeting(proposal, data, actor=finalised.secretariat)
    proposals.update_proposal(proposal, proposals.ProposalDetails(
        title=proposal.title, submission_number="1/TTr-SNV", submission_date=date(2026, 11, 26),
        signer_name="Nguyễn Văn An", signer_title="Giám đốc", signer_authority=""), [], expected_version=None,
        actor=finalised.secretariat)
    proposals.submit_proposal(proposal, actor=finalised.secretariat)
    decisions.approve_proposal(proposal, "9/QĐ-UBND", date(2026, 12, 1), actor=finalised.secretariat)
    with pytest.raises(meetings.MeetingError, match="đã có Quyết định"):
        meetings.record_meeting(proposal, data, actor=finalised.secretariat)


def test_default_threshold_is_more_than_half():
    assert [default_pass_votes(n) for n in (1, 2, 9, 10, 15)] == [1, 2, 5, 6, 8]


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.ADMIN, Role.STAFF, Role.EVALUATOR])
def test_only_the_secretariat_records_a_meeting(client, login_as, proposal, role):
    login_as(role)
    assert client.get(_url(proposal)).status_code == 403
    assert client.post(_url(proposal), data=_post(proposal)).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(CouncilMeeting)) == 0


def test_unknown_proposal_is_404(client, login_as, finalised):
    login_as(finalised.secretariat)
    assert client.get("/khen-thuong/de-nghi/9999/hop-hoi-dong").status_code == 404


def test_lines_changed_after_the_meeting_are_named_on_the_page(client, login_as, proposal, finalised):
    login_as(finalised.secretariat)
    client.post(_url(proposal), data=_post(proposal))
    voted = proposal.lines[0]
    client.post(f"/khen-thuong/de-nghi/{proposal.id}/dong/{voted.id}/xoa", data={"version": proposal.version})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CouncilVote).where(CouncilVote.line_id == voted.id)) == 0
    added = proposals.add_line(proposal, finalised.models["justice"], None, proposal.lines[0].award_form,
                              actor=finalised.secretariat)
    db.session.commit()
    assert meetings.missing_votes(proposal) == [added.recipient_name]
    page = client.get(f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert f"số phiếu đồng ý của {added.recipient_name}" in page
