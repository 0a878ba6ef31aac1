"""What commendations register into the audit trail."""

from __future__ import annotations

from sqlalchemy import Select, select

from .. import audit
from ..scoring.hooks import rounds_of_organiser
from .forms import AwardFormForm
from .models import AwardLevel, Proposal, ProposalLine, ProposalState


def proposals_of_organiser(organiser_id: int) -> Select:
    return select(Proposal.id).where(Proposal.round_id.in_(rounds_of_organiser(organiser_id)))


def proposal_lines_of_organiser(organiser_id: int) -> Select:
    return select(ProposalLine.id).where(ProposalLine.proposal_id.in_(proposals_of_organiser(organiser_id)))


def register() -> None:
    audit.register_form_labels("AwardForm", AwardFormForm)
    audit.register_owned("Proposal", proposals_of_organiser)
    audit.register_owned("ProposalLine", proposal_lines_of_organiser)
    audit.register_enum("Proposal.state", ProposalState)
    audit.register_enum("level", AwardLevel)
