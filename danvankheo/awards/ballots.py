"""The council's secret ballot (bỏ phiếu kín) on a proposal's candidates.

The secretariat opens a ballot on a proposal's lines for the council's members, who each
vote đồng ý / không đồng ý per candidate once; members who voted on paper are entered by
the secretariat. The ballot closes at its set time, when every member has voted, or when
the secretariat closes it; only then are the totals shown, and they fill the council
meeting's votes (the biên bản). See docs/ARCHITECTURE.md for why the tables keep the vote
secret. Functions flush and audit; the view commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ..audit.services import record
from ..auth.models import User
from ..core.errors import DomainError
from ..core.links import page_link
from ..core.roles import Role
from ..core.timeutil import format_datetime
from ..core.types import utcnow
from ..extensions import db
from ..notifications.services import notify
from ..scoring.models import PanelMember, RoundState
from .meetings import apply_ballot
from .models import (
    Ballot,
    BallotState,
    BallotTally,
    BallotVoter,
    CloseReason,
    PassRule,
    Proposal,
    ProposalLine,
    ProposalState,
)

NOTIFICATION_KIND = "ballot_open"


class BallotError(DomainError):
    """A refused ballot action; `field` names the form field the message belongs to."""


def council_members(proposal: Proposal) -> list[User]:
    """Who sits on the council that votes on `proposal`: the panel (hội đồng chấm) of the
    proposal's round, active accounts only. A panel holds council members of the round's own
    organiser only (`scoring.assignments.set_panel`), so a commune's ballot is its council's."""
    users = db.session.scalars(
        select(User).join(PanelMember, PanelMember.user_id == User.id)
        .where(PanelMember.round_id == proposal.round_id, User.is_active.is_(True))
        .order_by(User.sort_name, User.id)
    )
    return list(users)


def candidates(proposal: Proposal) -> list[ProposalLine]:
    """The lines in the order of the danh sách: collectives first, then individuals."""
    return [*proposal.collective_lines, *proposal.individual_lines]


def choice_field(line_id: int) -> str:
    return f"choice_{line_id}"


# --- Opening --------------------------------------------------------------------------------


def check_open(proposal: Proposal, closes_at: datetime | None, *, now: datetime) -> list[BallotError]:
    """Every reason not to open a ballot on `proposal` closing at `closes_at` (UTC)."""
    errors: list[BallotError] = []
    if proposal.ballot is not None:
        errors.append(BallotError("Danh sách này đã có cuộc bỏ phiếu: mỗi danh sách chỉ bỏ phiếu một lần."))
    if proposal.round.state is not RoundState.FINALISED:
        errors.append(BallotError("Đợt đánh giá chưa công bố kết quả: chưa mở bỏ phiếu được."))
    if proposal.state is ProposalState.APPROVED:
        errors.append(BallotError("Danh sách đã có Quyết định khen thưởng: không mở bỏ phiếu được nữa."))
    if not proposal.lines:
        errors.append(BallotError("Danh sách đề nghị chưa có tập thể, cá nhân nào để bỏ phiếu."))
    if not council_members(proposal):
        errors.append(BallotError("Hội đồng của đợt đánh giá chưa có thành viên nào: chưa mở bỏ phiếu được."))
    if closes_at is None:
        errors.append(BallotError("Vui lòng nhập thời điểm kết thúc bỏ phiếu.", field="closes_at"))
    elif closes_at <= now:
        errors.append(BallotError(
            f"Thời điểm kết thúc bỏ phiếu phải sau lúc này ({format_datetime(now)}).", field="closes_at"))
    return errors


def open_ballot(proposal: Proposal, closes_at: datetime | None, pass_rule: PassRule = PassRule.MAJORITY, *,
                actor=None, now: datetime | None = None) -> Ballot:
    """Open the ballot with the council's members on its roll, and tell them; raises the
    first `BallotError`."""
    now = now or utcnow()
    errors = check_open(proposal, closes_at, now=now)
    if errors:
        raise errors[0]
    members = council_members(proposal)
    ballot = Ballot(proposal=proposal, state=BallotState.OPEN, pass_rule=pass_rule, members_total=len(members),
                    pass_votes=pass_rule.pass_votes(len(members)), opened_at=now, closes_at=closes_at,
                    opened_by_id=getattr(actor, "id", None))
    ballot.voters = [BallotVoter(user_id=user.id, full_name=user.full_name) for user in members]
    ballot.tallies = [BallotTally(line_id=line.id, agree=0, disagree=0) for line in candidates(proposal)]
    db.session.add(ballot)
    db.session.flush()
    if proposal.meeting is not None:  # figures typed from a paper meeting give way to the ballot's
        apply_ballot(proposal.meeting, ballot)
    record("ballot.open", proposal, actor=actor, label=f"Bỏ phiếu: {proposal.title}",
           changes={"ballot_closes_at": [None, closes_at], "pass_rule": [None, pass_rule.label],
                    "ballot_members": [None, len(members)], "candidates": [None, len(ballot.tallies)]})
    notify(members, kind=NOTIFICATION_KIND, title=f"Mời bỏ phiếu: {proposal.title}"[:500],
           body=(f"Hội đồng bỏ phiếu kín về {len(ballot.tallies)} tập thể, cá nhân được đề nghị khen thưởng. "
                 f"Hạn bỏ phiếu: {format_datetime(closes_at)}."),
           link=page_link("awards.ballot", ballot_id=ballot.id), dedup_key=f"ballot-open-{ballot.id}")
    return ballot


# --- Closing ----------------------------------------------------------------------------------


def _close(ballot: Ballot, reason: CloseReason, *, now: datetime, actor=None) -> None:
    ballot.state = BallotState.CLOSED
    ballot.close_reason = reason
    # Closed by the clock: the ballot ended at its set time, whenever a page noticed.
    ballot.closed_at = ballot.closes_at if reason is CloseReason.DEADLINE else now
    ballot.closed_by_id = getattr(actor, "id", None) if reason is CloseReason.SECRETARIAT else None
    _refresh(ballot)
    results = [f"{tally.line.recipient_name}: {tally.agree}/{ballot.members_total}"
               f" ({'đạt' if ballot.passes(tally.agree) else 'không đạt'})" for tally in ballot.tallies]
    record("ballot.close", ballot.proposal, actor=actor if reason is CloseReason.SECRETARIAT else None,
           label=f"Bỏ phiếu: {ballot.proposal.title}",
           changes={"close_reason": [None, reason.label], "voted": [None, f"{ballot.voted_count}/{ballot.members_total}"],
                    "results": [None, results]})
    if ballot.proposal.meeting is not None:
        apply_ballot(ballot.proposal.meeting, ballot)


def close_if_due(ballot: Ballot | None, *, now: datetime | None = None) -> bool:
    """Close an open ballot whose time has come or whose members have all voted; True if it
    closed now. Called whenever a page reads a ballot, so no scheduler is needed."""
    if ballot is None or ballot.is_closed:
        return False
    now = now or utcnow()
    if ballot.voted_count >= ballot.members_total:
        _close(ballot, CloseReason.ALL_VOTED, now=now)
        return True
    if now >= ballot.closes_at:
        _close(ballot, CloseReason.DEADLINE, now=now)
        return True
    return False


def close_ballot(ballot: Ballot, *, actor=None, now: datetime | None = None) -> None:
    """The secretariat closes the ballot before its time."""
    now = now or utcnow()
    if close_if_due(ballot, now=now) or ballot.is_closed:
        raise BallotError("Cuộc bỏ phiếu đã kết thúc.")
    _close(ballot, CloseReason.SECRETARIAT, now=now, actor=actor)


# --- Voting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    agree: int
    disagree: int


def _closed(ballot: Ballot, *, now: datetime) -> BallotError | None:
    if close_if_due(ballot, now=now) or ballot.is_closed:
        return BallotError("Cuộc bỏ phiếu đã kết thúc: không nhận thêm phiếu.")
    return None


def _mark_voted(ballot: Ballot, user_id: int, *, now: datetime, on_paper: bool, recorded_by=None) -> None:
    """Tick the member on the roll, once: the UPDATE only matches a member who has not voted,
    so two requests at once cannot both count (the second waits for the first's row lock and
    then matches nothing)."""
    result = db.session.execute(
        update(BallotVoter)
        .where(BallotVoter.ballot_id == ballot.id, BallotVoter.user_id == user_id, BallotVoter.voted_at.is_(None))
        .values(voted_at=now, on_paper=on_paper, recorded_by_id=getattr(recorded_by, "id", None))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        voter = db.session.scalar(select(BallotVoter).where(BallotVoter.ballot_id == ballot.id,
                                                            BallotVoter.user_id == user_id))
        if voter is None:
            raise BallotError("Bạn không phải thành viên Hội đồng của cuộc bỏ phiếu này.")
        raise BallotError(f"{voter.full_name} đã bỏ phiếu rồi: mỗi thành viên chỉ bỏ phiếu một lần.")


def _add_to_tallies(ballot: Ballot, counts: Mapping[int, Choice]) -> None:
    """Add to the running totals in the database (agree = agree + n), never read-then-write,
    so concurrent votes all count."""
    for line_id, choice in counts.items():
        if not (choice.agree or choice.disagree):
            continue
        db.session.execute(
            update(BallotTally)
            .where(BallotTally.ballot_id == ballot.id, BallotTally.line_id == line_id)
            .values(agree=BallotTally.agree + choice.agree, disagree=BallotTally.disagree + choice.disagree)
            .execution_options(synchronize_session=False)
        )


def _refresh(ballot: Ballot) -> None:
    """Reload the roll and the totals after the UPDATEs that bypassed the session."""
    db.session.flush()
    for obj in [*ballot.voters, *ballot.tallies]:
        db.session.expire(obj)


def check_vote(ballot: Ballot, user, choices: Mapping[int, str | None], *,
               now: datetime | None = None) -> BallotError | None:
    """Why `user` may not cast this vote, if anything: the ballot closed (by the clock, too),
    not a member, already voted, or a candidate left without a choice (naming its field)."""
    closed = _closed(ballot, now=now or utcnow())
    if closed is not None:
        return closed
    voter = ballot.voter_for(user)
    if voter is None:
        return BallotError("Bạn không phải thành viên Hội đồng của cuộc bỏ phiếu này.")
    if voter.has_voted:
        return BallotError("Bạn đã bỏ phiếu rồi: mỗi thành viên chỉ bỏ phiếu một lần, không sửa được phiếu đã bỏ.")
    for line in candidates(ballot.proposal):
        if choices.get(line.id) not in ("agree", "disagree"):
            return BallotError(f"Vui lòng chọn “Đồng ý” hoặc “Không đồng ý” cho {line.recipient_name}.",
                               field=choice_field(line.id))
    return None


def cast_vote(ballot: Ballot, user, choices: Mapping[int, str | None], *, now: datetime | None = None) -> None:
    """A member's vote: "agree" or "disagree" for every candidate (line id → choice).

    The audit says that the member voted, never how."""
    now = now or utcnow()
    refusal = check_vote(ballot, user, choices, now=now)
    if refusal is not None:
        raise refusal
    voter = ballot.voter_for(user)
    counts = {line.id: Choice(1, 0) if choices.get(line.id) == "agree" else Choice(0, 1)
              for line in candidates(ballot.proposal)}
    _mark_voted(ballot, voter.user_id, now=now, on_paper=False)
    _add_to_tallies(ballot, counts)
    record("ballot.vote", ballot.proposal, actor=user, label=f"Bỏ phiếu: {ballot.proposal.title}")
    _refresh(ballot)
    close_if_due(ballot, now=now)


def record_paper_votes(ballot: Ballot, member_ids: Iterable[int], counts: Mapping[int, Choice | None], *,
                       actor=None, now: datetime | None = None) -> None:
    """Paper ballots counted by the secretariat: the members who handed one in, and per
    candidate how many of those ballots say đồng ý and không đồng ý (a candidate left blank
    on a ballot counts for neither). Refused whole when anything is wrong."""
    now = now or utcnow()
    closed = _closed(ballot, now=now)
    if closed is not None:
        raise closed
    member_ids = sorted(set(member_ids))
    if not member_ids:
        raise BallotError("Vui lòng chọn các thành viên đã bỏ phiếu giấy.", field="members")
    roll = {voter.user_id: voter for voter in ballot.voters}
    for user_id in member_ids:
        voter = roll.get(user_id)
        if voter is None:
            raise BallotError("Người được chọn không phải thành viên Hội đồng của cuộc bỏ phiếu này.",
                              field="members")
        if voter.has_voted:
            raise BallotError(f"{voter.full_name} đã bỏ phiếu rồi: mỗi thành viên chỉ bỏ phiếu một lần.",
                              field="members")
    papers = len(member_ids)
    checked: dict[int, Choice] = {}
    for line in candidates(ballot.proposal):
        choice = counts.get(line.id)
        if choice is None:
            raise BallotError(f"Vui lòng nhập số phiếu giấy đồng ý và không đồng ý cho {line.recipient_name}.",
                              field=f"agree_{line.id}")
        if choice.agree < 0 or choice.disagree < 0:
            raise BallotError("Số phiếu không được âm.", field=f"agree_{line.id}")
        if choice.agree + choice.disagree > papers:
            raise BallotError(
                f"{line.recipient_name}: {choice.agree} phiếu đồng ý và {choice.disagree} phiếu không đồng ý, "
                f"nhiều hơn số phiếu giấy ({papers}).", field=f"agree_{line.id}")
        checked[line.id] = choice
    for user_id in member_ids:
        _mark_voted(ballot, user_id, now=now, on_paper=True, recorded_by=actor)
    _add_to_tallies(ballot, checked)
    names = [roll[user_id].full_name for user_id in member_ids]
    record("ballot.paper", ballot.proposal, actor=actor, label=f"Bỏ phiếu: {ballot.proposal.title}",
           changes={"paper_voters": [None, names]})
    _refresh(ballot)
    close_if_due(ballot, now=now)


# --- Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateResult:
    line: ProposalLine
    agree: int
    disagree: int
    members_total: int
    passed: bool

    @property
    def abstained(self) -> int:
        return self.members_total - self.agree - self.disagree


def results(ballot: Ballot) -> list[CandidateResult]:
    """The totals per candidate, only once the ballot is closed (before: an empty list)."""
    if not ballot.is_closed:
        return []
    by_line = {tally.line_id: tally for tally in ballot.tallies}
    shown = []
    for line in candidates(ballot.proposal):
        tally = by_line.get(line.id)
        if tally is None:
            continue  # a line added after the ballot: it has no votes
        shown.append(CandidateResult(line, tally.agree, tally.disagree, ballot.members_total,
                                     ballot.passes(tally.agree)))
    return shown


def paper_count(ballot: Ballot) -> int:
    return sum(1 for voter in ballot.voters if voter.on_paper)


def open_ballots_for(user) -> list[Ballot]:
    """The open ballots on which `user` has not voted yet."""
    return list(db.session.scalars(
        select(Ballot).join(BallotVoter, BallotVoter.ballot_id == Ballot.id)
        .where(Ballot.state == BallotState.OPEN, BallotVoter.user_id == user.id, BallotVoter.voted_at.is_(None))
        .order_by(Ballot.closes_at, Ballot.id)
    ))


def may_read(user) -> bool:
    """Readers of every ballot's progress and results (not of anyone's vote)."""
    return user.has_role(Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)
