"""The council's secret ballot: opening, voting once, secrecy (in the schema, the pages, the
audit and the documents), who may see what, closing, paper votes, and the biên bản."""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import DateTime, func, inspect, select

from danvankheo.audit.models import AuditEvent
from danvankheo.auth.models import User
from danvankheo.awards import ballots, errors, proposals
from danvankheo.awards.models import (
    AwardForm,
    Ballot,
    BallotState,
    BallotTally,
    BallotVoter,
    CloseReason,
    CouncilMeeting,
    PassRule,
    Proposal,
)
from danvankheo.core.roles import Role
from danvankheo.core.timeutil import to_local
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification
from danvankheo.organisers.models import Organiser
from danvankheo.scoring.models import PanelMember
from tests import factories

PROVINCIAL = "Bằng khen của Chủ tịch UBND tỉnh"


@pytest.fixture
def council(finalised) -> list[User]:
    """Three members: the round's evaluator and two more placed on its panel."""
    extra = [factories.make_user(Role.EVALUATOR, full_name=name, unit=finalised.units["council"])
             for name in ("Phạm Quốc Khánh", "Đặng Thu Trang")]
    for user in extra:
        db.session.add(PanelMember(round_id=finalised.round.id, user_id=user.id))
    db.session.commit()
    return [*finalised.evaluators, *extra]


@pytest.fixture
def proposal(finalised, council) -> Proposal:
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == PROVINCIAL))
    proposal = proposals.create_proposal(finalised.round, proposals.excellent_initiative_ids(finalised.round), form,
                                        actor=finalised.secretariat)
    finalised.round.finalised_at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    db.session.commit()
    return proposal


def _typed(moment: datetime) -> str:
    """As people type it: dd/mm/yyyy hh:mm, local time."""
    return f"{to_local(moment):%d/%m/%Y %H:%M}"


@pytest.fixture
def ballot(proposal, finalised) -> Ballot:
    ballot = ballots.open_ballot(proposal, utcnow() + timedelta(days=3), actor=finalised.secretariat)
    db.session.commit()
    return ballot


def _url(ballot: Ballot, tail: str = "") -> str:
    return f"/khen-thuong/bo-phieu/{ballot.id}{tail}"


def _choices(proposal: Proposal, *picks: str) -> dict[str, str]:
    lines = ballots.candidates(proposal)
    return {f"choice_{line.id}": pick for line, pick in zip(lines, picks, strict=True)}


def _vote(client, login_as, user, ballot, *picks):
    client.post("/dang-xuat")
    login_as(user)
    return client.post(_url(ballot, "/phieu"), data=_choices(ballot.proposal, *picks))


def _tallies(ballot: Ballot) -> list[tuple[int, int]]:
    db.session.expire_all()
    rows = db.session.execute(select(BallotTally.agree, BallotTally.disagree)
                              .where(BallotTally.ballot_id == ballot.id).order_by(BallotTally.line_id))
    return [tuple(row) for row in rows]


# --- Opening ------------------------------------------------------------------------------------


def test_the_secretariat_opens_a_ballot_and_the_members_are_told(client, login_as, proposal, finalised, council):
    login_as(finalised.secretariat)
    page = client.get(f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert "Mở bỏ phiếu kín của Hội đồng" in page
    form = client.get(f"/khen-thuong/de-nghi/{proposal.id}/bo-phieu/mo").get_data(as_text=True)
    assert "Phạm Quốc Khánh" in form and "Với 3 thành viên: 2 phiếu (quá bán)" in form
    closes = utcnow() + timedelta(days=2)
    response = client.post(f"/khen-thuong/de-nghi/{proposal.id}/bo-phieu/mo",
                           data={"closes_at": _typed(closes), "pass_rule": "two_thirds"})
    assert response.status_code == 303
    ballot = db.session.scalar(select(Ballot))
    assert (ballot.state, ballot.members_total, ballot.pass_rule, ballot.pass_votes) == (
        BallotState.OPEN, 3, PassRule.TWO_THIRDS, 2)
    assert ballot.closes_at.replace(second=0, microsecond=0) == closes.replace(second=0, microsecond=0)
    assert sorted(v.user_id for v in ballot.voters) == sorted(u.id for u in council)
    assert len(ballot.tallies) == len(proposal.lines)
    notes = list(db.session.scalars(select(Notification).where(Notification.kind == "ballot_open")))
    assert sorted(n.user_id for n in notes) == sorted(u.id for u in council)
    assert all(n.link == f"/khen-thuong/bo-phieu/{ballot.id}" for n in notes)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ballot.open"))
    assert event.actor_id == finalised.secretariat.id and event.changes["ballot_members"] == [None, 3]


@pytest.mark.parametrize(("closes_at", "message"), [
    ("", "Vui lòng nhập thời điểm kết thúc bỏ phiếu."),
    ("31/02/2027 10:00", "Ngày giờ không hợp lệ. Hãy nhập theo dạng ngày/tháng/năm giờ:phút"),
    ("15/10/2027 25:00", "Ngày giờ không hợp lệ."),
    ("01/01/2020 08:00", "Thời điểm kết thúc bỏ phiếu phải sau lúc này"),
])
def test_a_bad_closing_time_is_refused_and_nothing_is_written(client, login_as, proposal, finalised, closes_at,
                                                              message):
    login_as(finalised.secretariat)
    response = client.post(f"/khen-thuong/de-nghi/{proposal.id}/bo-phieu/mo",
                           data={"closes_at": closes_at, "pass_rule": "majority"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
    assert db.session.scalar(select(func.count()).where(Notification.kind == "ballot_open")) == 0


def test_a_list_is_voted_on_once_and_frozen_while_the_ballot_is_open(proposal, finalised, ballot):
    with pytest.raises(ballots.BallotError, match="đã có cuộc bỏ phiếu"):
        ballots.open_ballot(proposal, utcnow() + timedelta(days=1), actor=finalised.secretariat)
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == PROVINCIAL))
    with pytest.raises(errors.AwardError, match="đang bỏ phiếu"):
        proposals.add_line(proposal, finalised.models["justice"], None, form, actor=finalised.secretariat)
    with pytest.raises(errors.AwardError, match="đang bỏ phiếu"):
        proposals.remove_line(proposal, proposal.lines[0], actor=finalised.secretariat)
    with pytest.raises(errors.AwardError, match="không xóa được"):
        proposals.delete_proposal(proposal, actor=finalised.secretariat)
    with pytest.raises(errors.AwardError, match="chờ kết thúc bỏ phiếu rồi mới trình"):
        proposals.submit_proposal(proposal, actor=finalised.secretariat)


def test_the_ballot_opens_with_the_pass_rule_its_organiser_set(client, login_as, proposal, finalised):
    organiser = db.session.get(Organiser, proposal.round.organiser_id)
    login_as(finalised.secretariat)
    form = client.get(f"/khen-thuong/de-nghi/{proposal.id}/bo-phieu/mo").get_data(as_text=True)
    assert re.search(r'<option selected value="majority">', form)
    organiser.vote_threshold_percent = PassRule.TWO_THIRDS.percent
    db.session.commit()
    form = client.get(f"/khen-thuong/de-nghi/{proposal.id}/bo-phieu/mo").get_data(as_text=True)
    assert re.search(r'<option selected value="two_thirds">', form)
    assert not re.search(r'<option selected value="majority">', form)


def test_an_organisers_percentage_maps_to_the_least_strict_rule_that_meets_it():
    assert [PassRule.for_percent(p).value for p in (1, 51, 52, 67, 68, 70, 90)] == [
        "majority", "majority", "two_thirds", "two_thirds", "seventy", "seventy", "seventy"]


def test_pass_rules_count_on_all_members():
    assert [PassRule.MAJORITY.pass_votes(n) for n in (1, 3, 9, 10)] == [1, 2, 5, 6]
    assert [PassRule.TWO_THIRDS.pass_votes(n) for n in (1, 3, 9, 10)] == [1, 2, 6, 7]
    assert [PassRule.SEVENTY_PERCENT.pass_votes(n) for n in (1, 3, 9, 10)] == [1, 3, 7, 7]


# --- Voting ---------------------------------------------------------------------------------------


def test_a_member_votes_once(client, login_as, ballot, council):
    member = council[0]
    assert _vote(client, login_as, member, ballot, "agree", "disagree").status_code == 303
    again = _vote(client, login_as, member, ballot, "disagree", "disagree")
    assert again.status_code == 303
    page = client.get(_url(ballot)).get_data(as_text=True)
    assert "Bạn đã bỏ phiếu lúc" in page and "ballot-vote-form" not in page
    follow = client.post(_url(ballot, "/phieu"), data=_choices(ballot.proposal, "agree", "agree"),
                         follow_redirects=True).get_data(as_text=True)
    assert "Bạn đã bỏ phiếu rồi: mỗi thành viên chỉ bỏ phiếu một lần" in follow
    assert _tallies(ballot) == [(1, 0), (0, 1)]
    assert db.session.scalar(select(func.count()).where(BallotVoter.voted_at.is_not(None))) == 1
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "ballot.vote")) == 1


def test_the_roll_refuses_a_second_tick_even_from_a_stale_page(ballot, council):
    """Two requests of one member at once: the second UPDATE matches no row and is refused."""
    ballots._mark_voted(ballot, council[0].id, now=utcnow(), on_paper=False)
    with pytest.raises(ballots.BallotError, match="đã bỏ phiếu rồi"):
        ballots._mark_voted(ballot, council[0].id, now=utcnow(), on_paper=False)


def test_a_ballot_without_every_choice_is_refused_whole(client, login_as, ballot, council):
    login_as(council[0])
    first, second = ballots.candidates(ballot.proposal)
    response = client.post(_url(ballot, "/phieu"), data={f"choice_{first.id}": "agree"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"Vui lòng chọn “Đồng ý” hoặc “Không đồng ý” cho {second.recipient_name}." in page
    assert re.search(rf'id="choice_{first.id}-agree" value="agree" checked', page)  # the choice is kept
    assert _tallies(ballot) == [(0, 0), (0, 0)]
    assert db.session.scalar(select(func.count()).where(BallotVoter.voted_at.is_not(None))) == 0
    bad = client.post(_url(ballot, "/phieu"), data={f"choice_{first.id}": "agree", f"choice_{second.id}": "maybe"})
    assert bad.status_code == 400 and _tallies(ballot) == [(0, 0), (0, 0)]


def test_nobody_sees_the_tallies_before_the_close(client, login_as, ballot, council, finalised):
    _vote(client, login_as, council[0], ballot, "agree", "agree")
    _vote(client, login_as, council[1], ballot, "disagree", "agree")
    for user in (council[0], council[2], finalised.secretariat):
        client.post("/dang-xuat")
        login_as(user)
        page = client.get(_url(ballot)).get_data(as_text=True)
        assert "Đã bỏ phiếu: <strong data-testid=\"ballot-turnout\">2/3</strong>" in page
        assert "ballot-results" not in page and "Kết quả bỏ phiếu" not in page, user.full_name
        assert "Đồng ý / tổng số thành viên" not in page and "Không đồng ý</th>" not in page
    meeting_page = client.get(f"/khen-thuong/de-nghi/{ballot.proposal_id}/hop-hoi-dong").get_data(as_text=True)
    assert "Chờ kết thúc bỏ phiếu" in meeting_page
    minutes = _docx_text(client, ballot.proposal, "bien-ban")
    assert "…/3" in minutes and "/3 | Đạt" not in minutes
    proposal_page = client.get(f"/khen-thuong/de-nghi/{ballot.proposal_id}").get_data(as_text=True)
    assert "kết quả bỏ phiếu kín của Hội đồng (đang bỏ phiếu" in proposal_page


# --- Secrecy ------------------------------------------------------------------------------------


def test_the_schema_cannot_link_a_vote_to_a_member(app):
    tally = inspect(db.engine).get_columns("ballot_tallies")
    assert {c["name"] for c in tally} == {"ballot_id", "line_id", "agree", "disagree"}
    assert not any(isinstance(c["type"], DateTime) for c in tally)
    foreign = {fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("ballot_tallies")}
    assert foreign == {"ballots", "proposal_lines"}  # no user, and no row per vote to put in order
    assert inspect(db.engine).get_pk_constraint("ballot_tallies")["constrained_columns"] == ["ballot_id", "line_id"]
    voters = {c["name"] for c in inspect(db.engine).get_columns("ballot_voters")}
    assert not voters & {"line_id", "choice", "agree", "disagree"}
    # No other table holds a vote's choice.
    for table in inspect(db.engine).get_table_names():
        if table != "ballot_tallies":
            names = {c["name"] for c in inspect(db.engine).get_columns(table)}
            assert not names & {"agree", "disagree", "choice"}, table


def test_the_secretariat_sees_who_voted_never_what(client, login_as, ballot, council, finalised):
    _vote(client, login_as, council[0], ballot, "agree", "disagree")
    _vote(client, login_as, council[1], ballot, "disagree", "disagree")
    client.post("/dang-xuat")
    login_as(finalised.secretariat)
    client.post(_url(ballot, "/dong"))
    page = client.get(_url(ballot)).get_data(as_text=True)
    roll = page[page.index('data-testid="ballot-roll"'):]
    roll = roll[:roll.index("</table>")]
    for member in council[:2]:
        row = roll[roll.index(member.full_name):]
        row = row[:row.index("</tr>")]
        assert "Đã bỏ phiếu lúc" in row and "Đồng ý" not in row and "đồng ý" not in row
    assert "Chưa bỏ phiếu" in roll
    # The trail says who voted and when, never how.
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ballot.vote")):
        assert event.changes in ({}, None) and event.reason is None
    trail = client.get("/nhat-ky").get_data(as_text=True)
    assert "Thành viên Hội đồng bỏ phiếu (phiếu kín)" in trail
    # The closing event carries totals only.
    closing = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ballot.close"))
    assert all(member.full_name not in str(closing.changes) for member in council)
    minutes = _docx_text(client, ballot.proposal, "bien-ban")
    assert all(member.full_name not in minutes for member in council)


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.STAFF])
def test_non_members_are_told_nothing(client, login_as, ballot, role):
    login_as(role)
    assert client.get(_url(ballot)).status_code == 404
    assert client.post(_url(ballot, "/phieu"), data=_choices(ballot.proposal, "agree", "agree")).status_code == 404
    assert _tallies(ballot) == [(0, 0), (0, 0)]


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.ADMIN, Role.SECRETARIAT])
def test_readers_follow_the_ballot_but_do_not_vote(client, login_as, ballot, role):
    login_as(role)
    page = client.get(_url(ballot)).get_data(as_text=True)
    assert "ballot-vote-form" not in page and "ballot-roll" in page
    assert client.post(_url(ballot, "/phieu"), data=_choices(ballot.proposal, "agree", "agree")).status_code == 403
    assert _tallies(ballot) == [(0, 0), (0, 0)]


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.ADMIN, Role.EVALUATOR, Role.STAFF])
def test_only_the_secretariat_opens_closes_and_enters_paper(client, login_as, ballot, role):
    login_as(role)
    assert client.get(f"/khen-thuong/de-nghi/{ballot.proposal_id}/bo-phieu/mo").status_code == 403
    assert client.post(_url(ballot, "/dong")).status_code == 403
    assert client.get(_url(ballot, "/phieu-giay")).status_code == 403
    db.session.expire_all()
    assert db.session.get(Ballot, ballot.id).state is BallotState.OPEN


def test_anonymous_visitors_are_sent_to_log_in(client, ballot):
    assert "/dang-nhap" in client.get(_url(ballot)).headers["Location"]


def test_members_find_their_ballot_on_the_home_page(client, login_as, ballot, council):
    login_as(council[1])
    home = client.get("/trang-chu").get_data(as_text=True)
    assert "Bỏ phiếu kín đang chờ bạn" in home and f"/khen-thuong/bo-phieu/{ballot.id}" in home


# --- Closing ------------------------------------------------------------------------------------


def test_the_ballot_closes_when_every_member_has_voted(client, login_as, ballot, council):
    _vote(client, login_as, council[0], ballot, "agree", "agree")
    _vote(client, login_as, council[1], ballot, "agree", "disagree")
    _vote(client, login_as, council[2], ballot, "disagree", "disagree")
    db.session.expire_all()
    closed = db.session.get(Ballot, ballot.id)
    assert (closed.state, closed.close_reason) == (BallotState.CLOSED, CloseReason.ALL_VOTED)
    page = client.get(_url(ballot)).get_data(as_text=True)
    results = page[page.index('data-testid="ballot-results"'):]
    assert "<td>2/3</td>" in results and "<td>1/3</td>" in results
    assert "Đạt" in results and "Không đạt" in results
    assert _tallies(ballot) == [(2, 1), (1, 2)]


def test_the_ballot_closes_at_its_time(client, login_as, ballot, council):
    ballot.opened_at, ballot.closes_at = utcnow() - timedelta(days=2), utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = _vote(client, login_as, council[0], ballot, "agree", "agree")
    assert response.status_code == 303
    assert "đã kết thúc: không nhận thêm phiếu" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    closed = db.session.get(Ballot, ballot.id)
    assert (closed.state, closed.close_reason) == (BallotState.CLOSED, CloseReason.DEADLINE)
    assert closed.closed_at == closed.closes_at
    assert _tallies(ballot) == [(0, 0), (0, 0)]
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "ballot.close")) == 1


def test_the_secretariat_closes_early(client, login_as, ballot, council, finalised):
    _vote(client, login_as, council[0], ballot, "agree", "disagree")
    client.post("/dang-xuat")
    login_as(finalised.secretariat)
    response = client.post(_url(ballot, "/dong"), follow_redirects=True)
    assert "Đã kết thúc bỏ phiếu" in response.get_data(as_text=True)
    db.session.expire_all()
    closed = db.session.get(Ballot, ballot.id)
    assert (closed.close_reason, closed.closed_by_id) == (CloseReason.SECRETARIAT, finalised.secretariat.id)
    again = client.post(_url(ballot, "/dong"), follow_redirects=True).get_data(as_text=True)
    assert "Cuộc bỏ phiếu đã kết thúc." in again
    late = _vote(client, login_as, council[1], ballot, "agree", "agree")
    assert "không nhận thêm phiếu" in client.get(late.headers["Location"]).get_data(as_text=True)
    assert _tallies(ballot) == [(1, 0), (0, 1)]


# --- Paper ballots --------------------------------------------------------------------------------


def _paper(ballot: Ballot, members, *counts) -> dict:
    data = {"members": [str(m.id) for m in members]}
    for line, (agree, disagree) in zip(ballots.candidates(ballot.proposal), counts, strict=True):
        data[f"agree_{line.id}"], data[f"disagree_{line.id}"] = str(agree), str(disagree)
    return data


def test_paper_votes_count_and_are_marked(client, login_as, ballot, council, finalised):
    _vote(client, login_as, council[0], ballot, "agree", "disagree")
    client.post("/dang-xuat")
    login_as(finalised.secretariat)
    form = client.get(_url(ballot, "/phieu-giay")).get_data(as_text=True)
    assert council[1].full_name in form and council[0].full_name not in form
    response = client.post(_url(ballot, "/phieu-giay"), data=_paper(ballot, council[1:], (2, 0), (1, 1)))
    assert response.status_code == 303
    db.session.expire_all()
    closed = db.session.get(Ballot, ballot.id)
    assert closed.close_reason is CloseReason.ALL_VOTED  # the paper ballots were the last ones
    assert sorted(v.on_paper for v in closed.voters) == [False, True, True]
    assert _tallies(ballot) == [(3, 0), (1, 2)]
    page = client.get(_url(ballot)).get_data(as_text=True)
    assert page.count("Bỏ phiếu giấy") == 2 and "(trong đó 2 phiếu giấy)" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ballot.paper"))
    assert sorted(event.changes["paper_voters"][1]) == sorted(m.full_name for m in council[1:])
    assert "agree" not in str(event.changes)


@pytest.mark.parametrize(("members", "counts", "message"), [
    ([], ((0, 0), (0, 0)), "Vui lòng chọn các thành viên đã bỏ phiếu giấy."),
    ([1], ((1, 1), (0, 0)), "1 phiếu đồng ý và 1 phiếu không đồng ý, nhiều hơn số phiếu giấy (1)."),
    ([1], (("", 0), (0, 0)), "Vui lòng nhập trường này."),
    ([1], ((-1, 0), (0, 0)), "Từ 0 đến 1.000."),
    ([0], ((1, 0), (1, 0)), "“{id}” không phải lựa chọn hợp lệ."),
])
def test_bad_paper_votes_are_refused_and_nothing_is_written(client, login_as, ballot, council, finalised, members,
                                                            counts, message):
    _vote(client, login_as, council[0], ballot, "agree", "agree")
    client.post("/dang-xuat")
    login_as(finalised.secretariat)
    response = client.post(_url(ballot, "/phieu-giay"), data=_paper(ballot, [council[i] for i in members], *counts))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    # council[0] has voted: no longer offered, so refused as a choice.
    assert message.format(id=council[0].id) in page
    assert _tallies(ballot) == [(1, 0), (1, 0)]
    assert db.session.scalar(select(func.count()).where(BallotVoter.on_paper.is_(True))) == 0


def test_a_member_who_voted_cannot_be_entered_on_paper(ballot, council, finalised):
    ballots.cast_vote(ballot, council[0], {line.id: "agree" for line in ballot.proposal.lines})
    with pytest.raises(ballots.BallotError, match="đã bỏ phiếu rồi"):
        ballots.record_paper_votes(ballot, [council[0].id], {line.id: ballots.Choice(1, 0)
                                                             for line in ballot.proposal.lines},
                                   actor=finalised.secretariat)


# --- The biên bản -------------------------------------------------------------------------------


def _docx_text(client, proposal: Proposal, slug: str) -> str:
    response = client.get(f"/khen-thuong/de-nghi/{proposal.id}/van-ban/{slug}.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _meeting_form(proposal: Proposal) -> dict:
    return {"meeting_date": "25/11/2026", "place": "Phòng họp số 1, Sở Nội vụ", "chair_name": "Trần Văn Bình",
            "chair_title": "Phó Chủ tịch Hội đồng", "secretary_name": "Lê Thị Mai", "members_total": "9",
            "members_present": "3", "pass_votes": "1",
            **{f"vote_{line.id}": "0" for line in proposal.lines}}


def test_the_minutes_carry_the_closed_ballots_figures(client, login_as, ballot, council, finalised, tmp_path):
    from tests import render

    _vote(client, login_as, council[0], ballot, "agree", "agree")
    _vote(client, login_as, council[1], ballot, "agree", "disagree")
    client.post("/dang-xuat")
    login_as(finalised.secretariat)
    client.post(_url(ballot, "/phieu-giay"), data=_paper(ballot, council[2:], (1, 0), (0, 1)))
    proposal = ballot.proposal
    # The meeting's own figures (typed 9 members, 1 vote to pass, 0 votes) give way to the ballot's.
    response = client.post(f"/khen-thuong/de-nghi/{proposal.id}/hop-hoi-dong", data=_meeting_form(proposal))
    assert response.status_code == 303, response.get_data(as_text=True)
    meeting = db.session.scalar(select(CouncilMeeting))
    assert (meeting.members_total, meeting.members_present, meeting.pass_votes) == (3, 3, 2)
    assert sorted(v.votes_for for v in meeting.votes) == [1, 3]
    first, second = ballots.candidates(proposal)
    minutes = _docx_text(client, proposal, "bien-ban")
    assert "Thành viên Hội đồng có mặt: 3/3 thành viên." in minutes
    assert "từ 2/3 phiếu đồng ý trở lên" in minutes
    assert f"1 | {first.recipient_name}" in minutes and "| 3/3 | Đạt" in minutes and "| 1/3 | Không đạt" in minutes
    assert "phiếu kín trên phần mềm" in minutes and "3/3 thành viên đã bỏ phiếu (trong đó 1 phiếu giấy)" in minutes
    submission = _docx_text(client, proposal, "to-trinh")
    assert "3/3 thành viên có mặt; 1/2 tập thể, cá nhân được xét đạt từ 2/3 phiếu đồng ý" in submission

    data = client.get(f"/khen-thuong/de-nghi/{proposal.id}/van-ban/bien-ban.docx").data
    pdf = render.to_pdf(data, ".docx")
    printed = render.pages(pdf)
    lines = [line for page in printed for line in page.line_texts()]
    assert any(line.startswith("1 Sở Tư pháp") and line.endswith("3/3 Đạt") for line in lines), lines
    assert any(line.startswith("2 Sở Y tế") and line.endswith("1/3 Không đạt") for line in lines), lines
    assert any("3/3 thành viên đã bỏ phiếu" in line for line in lines), lines
    assert render.problems(printed) == []
    target = Path(os.environ.get("PRINT_PNG_DIR") or tmp_path) / "bien-ban-bo-phieu.png"
    render.first_page_png(pdf, target)
    assert target.stat().st_size > 0


def test_the_minutes_take_the_ballot_even_without_a_meeting_record(client, login_as, ballot, council, finalised):
    for member in council:
        ballots.cast_vote(ballot, member, {line.id: "agree" for line in ballot.proposal.lines})
    db.session.commit()
    login_as(finalised.secretariat)
    minutes = _docx_text(client, ballot.proposal, "bien-ban")
    assert minutes.count("| 3/3 | Đạt") == 2
    page = client.get(f"/khen-thuong/de-nghi/{ballot.proposal_id}").get_data(as_text=True)
    assert "số phiếu đồng ý của" not in page


def test_a_meeting_typed_before_the_ballot_gives_way_to_it(client, login_as, proposal, finalised, council):
    login_as(finalised.secretariat)
    client.post(f"/khen-thuong/de-nghi/{proposal.id}/hop-hoi-dong",
                data={**_meeting_form(proposal), "members_present": "8", "pass_votes": "",
                      **{f"vote_{line.id}": "7" for line in proposal.lines}})
    meeting = db.session.scalar(select(CouncilMeeting))
    assert meeting.members_total == 9
    ballot = ballots.open_ballot(proposal, utcnow() + timedelta(days=1), actor=finalised.secretariat)
    db.session.commit()
    db.session.expire_all()
    meeting = db.session.scalar(select(CouncilMeeting))
    assert (meeting.members_total, meeting.members_present, meeting.pass_votes, meeting.votes) == (3, 3, 2, [])
    ballots.close_ballot(ballot, actor=finalised.secretariat)
    db.session.commit()
    db.session.expire_all()
    assert sorted(v.votes_for for v in db.session.scalar(select(CouncilMeeting)).votes) == [0, 0]


# --- At the same instant -----------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.real_commits  # each thread has its own connection and must see the committed ballot
def test_two_requests_of_one_member_at_once_count_once(app, ballot, council):
    """Both requests have read the roll ("not voted yet") before either writes: the row lock
    and the UPDATE's condition let one through and refuse the other (PostgreSQL: SQLite
    serialises writers)."""
    import threading

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the concurrency test runs in the PostgreSQL pass")
    ballot_id, member_id = ballot.id, council[0].id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def vote(pick: str) -> None:
        with app.app_context():
            try:
                mine = db.session.get(Ballot, ballot_id)
                user = db.session.get(User, member_id)
                assert not mine.voter_for(user).has_voted
                choices = {line.id: pick for line in mine.proposal.lines}
                barrier.wait(timeout=30)
                ballots.cast_vote(mine, user, choices)
                db.session.commit()
                outcomes.append("ok")
            except ballots.BallotError as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=vote, args=(pick,)) for pick in ("agree", "disagree")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and outcomes.count("ok") == 1, outcomes
    assert any("đã bỏ phiếu rồi: mỗi thành viên chỉ bỏ phiếu một lần" in outcome for outcome in outcomes)
    db.session.expire_all()
    assert sum(agree + disagree for agree, disagree in _tallies(ballot)) == len(ballot.proposal.lines)
