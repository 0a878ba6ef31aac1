"""The council meeting of a proposal (họp Hội đồng Thi đua - Khen thưởng) and its votes.

`record_meeting` writes the meeting and every candidate's "đồng ý" votes at once, or
refuses with a `MeetingError` naming the form field, so nothing half-written is left.
It flushes and audits; the view commits.

When the council voted through the app (`ballots`), the vote figures are the ballot's: the
meeting takes the ballot's members total, threshold and, once it is closed, its totals
(`apply_ballot`), and the form's figures for them are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from ..audit.services import record
from ..core.formatting import format_day
from ..core.timeutil import local_today, to_local
from ..extensions import db
from .errors import AwardError
from .models import Ballot, CouncilMeeting, CouncilVote, Proposal, ProposalState, default_pass_votes


class MeetingError(AwardError):
    """A refused meeting record; `field` names the form field the message belongs to."""


@dataclass
class MeetingData:
    meeting_date: date
    place: str
    chair_name: str
    secretary_name: str
    members_total: int
    members_present: int
    chair_title: str = ""
    pass_votes: int | None = None  # None: more than half of all members
    votes: Mapping[int, int] = field(default_factory=dict)  # line id → "đồng ý" votes


def round_closed_on(proposal: Proposal) -> date | None:
    """The local day the proposal's round was finalised (published), if known."""
    finalised_at = proposal.round.finalised_at
    return to_local(finalised_at).date() if finalised_at else None


def vote_field(line_id: int) -> str:
    return f"vote_{line_id}"


def with_ballot(proposal: Proposal, data: MeetingData) -> MeetingData:
    """`data` with the ballot's figures in place of the typed ones, when there is a ballot."""
    ballot = proposal.ballot
    if ballot is None:
        return data
    return replace(data, members_total=ballot.members_total, pass_votes=ballot.pass_votes, votes={})


def check_meeting(proposal: Proposal, data: MeetingData) -> list[MeetingError]:
    """Every reason to refuse `data`, each naming its field (empty: acceptable)."""
    data = with_ballot(proposal, data)
    errors: list[MeetingError] = []
    if proposal.state is ProposalState.APPROVED:
        errors.append(MeetingError("Danh sách đã có Quyết định khen thưởng: không sửa được biên bản họp Hội đồng."))
    for name, label in (("place", "địa điểm họp"), ("chair_name", "người chủ trì"),
                        ("secretary_name", "thư ký cuộc họp")):
        if not " ".join((getattr(data, name) or "").split()):
            errors.append(MeetingError(f"Vui lòng nhập {label}.", field=name))
    closed = round_closed_on(proposal)
    if closed is not None and data.meeting_date < closed:
        errors.append(MeetingError(
            f"Ngày họp không được trước ngày công bố kết quả đợt đánh giá ({format_day(closed)}).",
            field="meeting_date"))
    if data.meeting_date > local_today():
        errors.append(MeetingError("Ngày họp không được sau ngày hôm nay: chỉ ghi biên bản cuộc họp đã diễn ra.",
                                   field="meeting_date"))
    if data.members_total < 1:
        errors.append(MeetingError("Tổng số thành viên Hội đồng phải từ 1 trở lên.", field="members_total"))
    if data.members_present < 1:
        errors.append(MeetingError("Số thành viên có mặt phải từ 1 trở lên.", field="members_present"))
    elif data.members_present > data.members_total:
        errors.append(MeetingError(
            f"Số thành viên có mặt ({data.members_present}) không được nhiều hơn tổng số thành viên "
            f"Hội đồng ({data.members_total}).", field="members_present"))
    if data.pass_votes is not None and not 1 <= data.pass_votes <= max(data.members_total, 1):
        errors.append(MeetingError(
            f"Số phiếu đồng ý để đạt phải từ 1 đến {data.members_total} (tổng số thành viên).", field="pass_votes"))
    # With a ballot the votes are not typed; members who were absent may have voted too.
    for line in proposal.lines if proposal.ballot is None else ():
        votes = data.votes.get(line.id)
        name = vote_field(line.id)
        if votes is None:
            errors.append(MeetingError(f"Vui lòng nhập số phiếu đồng ý cho {line.recipient_name}.", field=name))
        elif votes < 0:
            errors.append(MeetingError("Số phiếu đồng ý không được âm.", field=name))
        elif votes > data.members_present:
            errors.append(MeetingError(
                f"Số phiếu đồng ý ({votes}) không được nhiều hơn số thành viên có mặt ({data.members_present}).",
                field=name))
    return errors


def _snapshot(meeting: CouncilMeeting | None) -> dict:
    if meeting is None:
        return {}
    return {
        "meeting_date": meeting.meeting_date, "place": meeting.place, "chair_name": meeting.chair_name,
        "chair_title": meeting.chair_title, "secretary_name": meeting.secretary_name,
        "members_total": meeting.members_total, "members_present": meeting.members_present,
        "pass_votes": meeting.pass_votes,
        "votes": {str(v.line_id): v.votes_for for v in meeting.votes},
    }


def record_meeting(proposal: Proposal, data: MeetingData, *, actor=None) -> CouncilMeeting:
    """Create or replace the proposal's meeting and votes; raises the first `MeetingError`."""
    errors = check_meeting(proposal, data)
    if errors:
        raise errors[0]
    data = with_ballot(proposal, data)
    before = _snapshot(proposal.meeting)
    meeting = proposal.meeting
    if meeting is None:
        meeting = CouncilMeeting(proposal=proposal)
        db.session.add(meeting)
    meeting.meeting_date = data.meeting_date
    meeting.place = " ".join(data.place.split())
    meeting.chair_name = " ".join(data.chair_name.split())
    meeting.chair_title = " ".join((data.chair_title or "").split())
    meeting.secretary_name = " ".join(data.secretary_name.split())
    meeting.members_total = data.members_total
    meeting.members_present = data.members_present
    meeting.pass_votes = data.pass_votes or default_pass_votes(data.members_total)
    meeting.recorded_by_id = getattr(actor, "id", None)
    if proposal.ballot is not None:
        apply_ballot(meeting, proposal.ballot)
    else:
        _set_votes(meeting, proposal, data.votes)
    db.session.flush()
    after = _snapshot(meeting)
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    record("proposal.meeting", proposal, actor=actor, changes=changes,
           label=f"Biên bản họp Hội đồng: {proposal.title}")
    return meeting


def _set_votes(meeting: CouncilMeeting, proposal: Proposal, votes: Mapping[int, int]) -> None:
    by_line = {vote.line_id: vote for vote in meeting.votes}
    for vote in list(meeting.votes):
        if vote.line_id not in votes:
            meeting.votes.remove(vote)
    for line in proposal.lines:
        if line.id not in votes:
            continue
        vote = by_line.get(line.id)
        if vote is None:
            meeting.votes.append(CouncilVote(line=line, votes_for=votes[line.id]))
        else:
            vote.votes_for = votes[line.id]


def apply_ballot(meeting: CouncilMeeting, ballot: Ballot) -> None:
    """Put the ballot's figures on the meeting: its members total and threshold, and once it
    is closed the "đồng ý" totals of each candidate (open: no votes yet)."""
    meeting.members_total = ballot.members_total
    meeting.pass_votes = ballot.pass_votes
    meeting.members_present = min(meeting.members_present, ballot.members_total)
    votes = {tally.line_id: tally.agree for tally in ballot.tallies} if ballot.is_closed else {}
    _set_votes(meeting, meeting.proposal, votes)
    db.session.flush()


@dataclass(frozen=True)
class CouncilFigures:
    """The vote figures the biên bản prints: a closed ballot's, else the typed meeting's."""

    members_total: int | None = None
    pass_votes: int | None = None
    votes: Mapping[int, int] = field(default_factory=dict)  # line id → "đồng ý" votes
    ballot: Ballot | None = None

    def passes(self, votes_for: int) -> bool:
        return self.pass_votes is not None and votes_for >= self.pass_votes


def council_figures(proposal: Proposal) -> CouncilFigures:
    ballot, meeting = proposal.ballot, proposal.meeting
    if ballot is not None:
        votes = {tally.line_id: tally.agree for tally in ballot.tallies} if ballot.is_closed else {}
        return CouncilFigures(ballot.members_total, ballot.pass_votes, votes, ballot)
    if meeting is not None:
        return CouncilFigures(meeting.members_total, meeting.pass_votes,
                              {vote.line_id: vote.votes_for for vote in meeting.votes})
    return CouncilFigures()


def missing_votes(proposal: Proposal) -> list[str]:
    """Candidates without votes (lines added after the meeting or the ballot)."""
    figures = council_figures(proposal)
    if proposal.meeting is None and figures.ballot is None:
        return []
    return [line.recipient_name for line in proposal.lines if line.id not in figures.votes]
