"""Every recipient's award history across years: the app's own decisions and the awards of
other bodies entered by hand, in one list, newest first.

A unit's history holds its collective awards. A person's history holds the outside awards
entered for that person and the app's individual awards whose candidate has the same full
name in the same unit; when several known people share that name and unit, an award is
theirs only once the secretariat has said whose it is (`CandidateMatch`); until then it is
shown flagged, never silently given to one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..awards import repeat_awards
from ..awards.models import AwardLevel, Proposal, ProposalLine, ProposalState, RecipientType
from ..core.timeutil import local_today
from ..extensions import db
from ..scoring.models import Round
from .models import AwardedPerson, CandidateMatch, OutsideAward, name_key

HISTORY_YEARS = 5


@dataclass(frozen=True)
class HistoryEntry:
    decision_date: date
    decision_number: str
    issuing_body: str
    form_name: str
    level: AwardLevel
    recipient: str
    achievement: str
    outside: bool  # entered by hand from another body's decision
    revoked: bool = False
    uncertain: bool = False  # a namesake's award not yet attributed by the secretariat
    proposal_id: int | None = None
    outside_id: int | None = None
    has_scan: bool = False

    @property
    def source_label(self) -> str:
        return "Ngoài ứng dụng" if self.outside else "Trong ứng dụng"


def _issuing_body(line: ProposalLine) -> str:
    """Who issued the app's decision: the organiser's decision body (its settings, else
    config.py), else the authority of the award form."""
    from flask import current_app

    from ..organisers.names import document_names

    name = document_names(line.proposal.round.organiser, current_app.config).get("decision_body_name")
    return name or line.award_form.issuing_authority


def _of_line(line: ProposalLine, *, uncertain: bool = False) -> HistoryEntry:
    return HistoryEntry(line.proposal.decision_date, line.proposal.decision_number or "", _issuing_body(line),
                        line.award_form.display_name, line.award_form.level, line.recipient_name,
                        line.initiative_name, False, line.is_revoked, uncertain, proposal_id=line.proposal_id)


def _of_outside(award: OutsideAward) -> HistoryEntry:
    return HistoryEntry(award.decision_date, award.decision_number, award.issuing_body, award.form_name,
                        award.level, award.recipient_name,
                        award.achievement or (award.initiative.name if award.initiative else ""), True,
                        outside_id=award.id, has_scan=bool(award.scan_storage_key))


def _granted():
    return (select(ProposalLine).join(Proposal, ProposalLine.proposal_id == Proposal.id)
            .where(Proposal.state == ProposalState.APPROVED)
            .options(selectinload(ProposalLine.proposal).selectinload(Proposal.round).selectinload(Round.organiser),
                     selectinload(ProposalLine.award_form), selectinload(ProposalLine.revocation)))


def _outside():
    return select(OutsideAward).options(selectinload(OutsideAward.person), selectinload(OutsideAward.unit),
                                        selectinload(OutsideAward.initiative))


def _sorted(entries: Iterable[HistoryEntry], since: date | None) -> list[HistoryEntry]:
    kept = [e for e in entries if since is None or e.decision_date >= since]
    return sorted(kept, key=lambda e: (e.decision_date, e.decision_number), reverse=True)


def since_years(years: int = HISTORY_YEARS) -> date:
    """The first day of the last `years` calendar years, this one included."""
    return date(local_today().year - years + 1, 1, 1)


def unit_history(unit_id: int, *, since: date | None = None, exclude_proposal: int | None = None) -> list[HistoryEntry]:
    """The collective awards of a unit, from the app and from other bodies."""
    lines = db.session.scalars(_granted().where(ProposalLine.unit_id == unit_id,
                                                ProposalLine.recipient_type == RecipientType.COLLECTIVE))
    outside = db.session.scalars(_outside().where(OutsideAward.unit_id == unit_id,
                                                  OutsideAward.recipient_type == RecipientType.COLLECTIVE))
    return _sorted([*(_of_line(line) for line in lines if line.proposal_id != exclude_proposal),
                    *(_of_outside(award) for award in outside)], since)


def _namesake_lines(unit_id: int, full_name: str, exclude_proposal: int | None) -> list[ProposalLine]:
    key = name_key(full_name)
    lines = db.session.scalars(_granted().where(ProposalLine.unit_id == unit_id,
                                                ProposalLine.recipient_type == RecipientType.INDIVIDUAL))
    return [line for line in lines if name_key(line.recipient_name) == key and line.proposal_id != exclude_proposal]


def _chosen(line_ids: list[int]) -> dict[int, int]:
    if not line_ids:
        return {}
    return dict(db.session.execute(select(CandidateMatch.line_id, CandidateMatch.person_id)
                                   .where(CandidateMatch.line_id.in_(line_ids))).all())


def person_history(person: AwardedPerson, *, since: date | None = None,
                   exclude_proposal: int | None = None) -> list[HistoryEntry]:
    """A person's awards: outside ones entered for them, and the app's awards of the same name
    and unit that are theirs (chosen, or the name is not shared), flagged when uncertain."""
    namesakes = db.session.scalars(select(AwardedPerson.id).where(
        AwardedPerson.unit_id == person.unit_id, AwardedPerson.name_key == person.name_key)).all()
    lines = _namesake_lines(person.unit_id, person.full_name, exclude_proposal)
    chosen = _chosen([line.id for line in lines])
    entries = []
    for line in lines:
        owner = chosen.get(line.id)
        if owner is not None and owner != person.id:
            continue
        entries.append(_of_line(line, uncertain=owner is None and len(namesakes) > 1))
    outside = db.session.scalars(_outside().where(OutsideAward.person_id == person.id))
    entries += [_of_outside(award) for award in outside]
    return _sorted(entries, since)


@dataclass
class CandidateHistory:
    line: ProposalLine
    entries: list[HistoryEntry]
    namesakes: list[AwardedPerson]  # known people of the candidate's name and unit
    person: AwardedPerson | None  # the one the candidate is, when known

    @property
    def needs_choice(self) -> bool:
        return self.person is None and len(self.namesakes) > 1


def candidate_history(line: ProposalLine, *, years: int = HISTORY_YEARS) -> CandidateHistory:
    """What a proposal's candidate received in the last `years` years, its own proposal aside."""
    since = since_years(years)
    if line.recipient_type is RecipientType.COLLECTIVE:
        return CandidateHistory(line, unit_history(line.unit_id, since=since, exclude_proposal=line.proposal_id),
                                [], None)
    namesakes = list(db.session.scalars(select(AwardedPerson).where(
        AwardedPerson.unit_id == line.unit_id, AwardedPerson.name_key == name_key(line.recipient_name))
        .order_by(AwardedPerson.id)))
    chosen_id = _chosen([line.id]).get(line.id)
    person = next((p for p in namesakes if p.id == chosen_id), None)
    if person is None and len(namesakes) == 1:
        person = namesakes[0]
    if person is not None:
        entries = person_history(person, since=since, exclude_proposal=line.proposal_id)
    else:
        # Nobody or several people known: the app's awards of that name, flagged when shared.
        entries = _sorted((_of_line(other, uncertain=len(namesakes) > 1)
                           for other in _namesake_lines(line.unit_id, line.recipient_name, line.proposal_id)), since)
    return CandidateHistory(line, entries, namesakes, person)


def candidate_histories(proposal: Proposal) -> list[CandidateHistory]:
    return [candidate_history(line) for line in proposal.lines]


def outside_earlier_awards(initiative_ids: Iterable[int]) -> list[repeat_awards.EarlierAward]:
    """Outside awards given for these models: the "one achievement, one award" check counts them."""
    ids = list(initiative_ids)
    if not ids:
        return []
    awards = db.session.scalars(_outside().where(OutsideAward.initiative_id.in_(ids)).order_by(OutsideAward.id))
    return [repeat_awards.EarlierAward(award.initiative_id, None, award.initiative.name, award.recipient_name,
                                       award.form_name, award.decision_number, award.decision_date,
                                       award.issuing_body) for award in awards]


if outside_earlier_awards not in repeat_awards.OUTSIDE_SOURCES:
    repeat_awards.OUTSIDE_SOURCES.append(outside_earlier_awards)
