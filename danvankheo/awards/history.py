"""Award history: the awards granted (revoked ones included) to a model or a unit."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..registry.models import Initiative
from ..units.models import Unit
from .models import Proposal, ProposalLine, ProposalState


def _granted_lines():
    return (
        select(ProposalLine)
        .join(Proposal, ProposalLine.proposal_id == Proposal.id)
        .where(Proposal.state == ProposalState.APPROVED)
        .options(
            selectinload(ProposalLine.proposal),
            selectinload(ProposalLine.award_form),
            selectinload(ProposalLine.revocation),
        )
        .order_by(Proposal.decision_date.desc(), Proposal.id.desc(), ProposalLine.position, ProposalLine.id)
    )


def awards_for_initiative(initiative: Initiative) -> list[ProposalLine]:
    """Awards granted for a model (collective and individual), revoked ones included."""
    return list(db.session.scalars(_granted_lines().where(ProposalLine.initiative_id == initiative.id)))


def awards_for_unit(unit: Unit) -> list[ProposalLine]:
    """Awards granted to a unit or to people of its models, revoked ones included."""
    return list(
        db.session.scalars(
            _granted_lines().where(
                or_(ProposalLine.unit_id == unit.id,
                    ProposalLine.initiative_id.in_(select(Initiative.id).where(Initiative.unit_id == unit.id)))
            )
        )
    )
