"""Which audit events an organiser's secretariat reads: those about its own things, and,
for events about nothing an organiser owns (an export, an import, a job), those of the
people who work for it.

An event about an object that belongs to an organiser (a model, its evidence, a unit, a
round and what hangs off it, a proposal, a deadline, a proposal upward) is shown to that
organiser only, whoever acted: the province's secretariat accepting a commune's proposal
is seen by the province (its object is the province's too) and by the commune, never by a
third commune. What the admin does outside every organiser goes to the default organiser's
secretariat. The admin reads everything.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select

from .models import AuditEvent


def _about(object_type: str, ids) -> ColumnElement[bool]:
    return and_(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids))


def owned_types() -> set[str]:
    """Object types an organiser owns: their events are read by that organiser only."""
    return {"Initiative", "Evidence", "Unit", "Round", "Criterion", "Assignment", "Scorecard", "Proposal",
            "ProposalLine", "SubmissionDeadline", "DeadlineExtension", "Organiser", "Nomination", "User"}


def organiser_clause(organiser_id: int | None) -> ColumnElement[bool]:
    """SQL: the event concerns organiser `organiser_id` (see the module's docstring)."""
    from ..auth.models import User, UserRole
    from ..awards.models import Proposal, ProposalLine
    from ..evidence.models import Evidence
    from ..organisers.models import Nomination
    from ..registry.models import DeadlineExtension, Initiative, SubmissionDeadline
    from ..scoring.models import Assignment, Criterion, Round, Scorecard
    from ..units.models import Unit

    if organiser_id is None:
        return false()
    units = select(Unit.id).where(Unit.organiser_id == organiser_id)
    models = select(Initiative.id).where(Initiative.unit_id.in_(units))
    rounds = select(Round.id).where(Round.organiser_id == organiser_id)
    proposals = select(Proposal.id).where(Proposal.round_id.in_(rounds))
    people = select(User.id).where(or_(
        User.id.in_(select(UserRole.user_id).where(UserRole.organiser_id == organiser_id)),
        User.unit_id.in_(units),
    ))
    return or_(
        _about("Initiative", models),
        and_(AuditEvent.parent_type == "Initiative", AuditEvent.parent_id.in_(models)),
        _about("Evidence", select(Evidence.id).where(Evidence.initiative_id.in_(models))),
        _about("Unit", units),
        _about("Round", rounds),
        _about("Criterion", select(Criterion.id).where(Criterion.round_id.in_(rounds))),
        _about("Assignment", select(Assignment.id).where(Assignment.round_id.in_(rounds))),
        _about("Scorecard", select(Scorecard.id).where(Scorecard.round_id.in_(rounds))),
        _about("Proposal", proposals),
        _about("ProposalLine", select(ProposalLine.id).where(ProposalLine.proposal_id.in_(proposals))),
        _about("SubmissionDeadline",
               select(SubmissionDeadline.id).where(SubmissionDeadline.organiser_id == organiser_id)),
        _about("DeadlineExtension", select(DeadlineExtension.id).where(DeadlineExtension.unit_id.in_(units))),
        and_(AuditEvent.object_type == "Organiser", AuditEvent.object_id == organiser_id),
        _about("Nomination", select(Nomination.id).where(or_(Nomination.from_organiser_id == organiser_id,
                                                              Nomination.to_organiser_id == organiser_id))),
        _about("User", people),
        # Events about nothing an organiser owns: by the organiser's own people.
        and_(AuditEvent.object_type.not_in(owned_types()), AuditEvent.actor_id.in_(people)),
        _deployment_events(organiser_id),
    )


def _deployment_events(organiser_id: int):
    """The default organiser, which ran the whole deployment before there were several, also
    reads what the admin and the system did outside every organiser (an import, the award
    forms, a backup): events about nothing an organiser owns, by nobody who works for one."""
    from ..auth.models import User, UserRole
    from ..organisers.models import Organiser

    is_default = select(Organiser.id).where(Organiser.id == organiser_id, Organiser.is_default.is_(True)).exists()
    within_some_organiser = select(User.id).where(or_(
        User.id.in_(select(UserRole.user_id).where(UserRole.organiser_id.is_not(None))),
        User.unit_id.is_not(None),
    ))
    return and_(
        is_default,
        AuditEvent.object_type.not_in(owned_types()),
        or_(AuditEvent.actor_id.is_(None), AuditEvent.actor_id.not_in(within_some_organiser)),
    )
