from sqlalchemy import func, select

from danvankheo.awards.models import AwardForm, Proposal, ProposalState
from danvankheo.demo import seed_demo
from danvankheo.extensions import db
from danvankheo.scoring.models import Round, RoundState


def test_demo_has_an_approved_list_from_a_finalised_round(app):
    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AwardForm)) >= 5
    finalised = db.session.scalar(select(Round).where(Round.year == 2025))
    assert finalised is not None and finalised.state is RoundState.FINALISED
    proposal = db.session.scalar(select(Proposal))
    assert proposal.state is ProposalState.APPROVED and proposal.lines
    assert seed_demo() is False  # idempotent


def test_demo_list_was_voted_by_a_closed_secret_ballot(app):
    from danvankheo.awards.models import BallotState, CloseReason

    seed_demo()
    db.session.commit()
    proposal = db.session.scalar(select(Proposal))
    ballot = proposal.ballot
    assert ballot is not None and ballot.state is BallotState.CLOSED
    assert ballot.close_reason is CloseReason.ALL_VOTED and ballot.voted_count == ballot.members_total == 3
    assert sum(voter.on_paper for voter in ballot.voters) == 1
    meeting = proposal.meeting
    assert (meeting.members_total, meeting.members_present) == (3, 3)
    assert sorted(vote.votes_for for vote in meeting.votes) == sorted(t.agree for t in ballot.tallies)
    assert all(meeting.passes(vote.votes_for) for vote in meeting.votes)
