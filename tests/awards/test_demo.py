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
