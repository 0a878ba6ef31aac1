"""Demo data: the award catalogue, and a finalised 2025 round whose commendation list has
been approved, so model pages show awards and the secretariat can build a new list.

Runs after the registry's demo data; without accepted 2025 models it only seeds the forms.
The council voted on the approved list by secret ballot (`demo_ballot`), closed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ..auth.models import User
from ..extensions import db
from ..registry.models import Initiative, Status
from ..scoring import assignments, conflicts, rounds, scorecards
from ..scoring.errors import ScoringError
from ..scoring.models import Round
from . import ballots, catalogue, decisions, meetings, proposals
from .models import AwardForm, Proposal

DEMO_ROUND_NAME = "Đánh giá mô hình “Dân vận khéo” năm 2025"
DEMO_EVALUATORS = ("giamkhao1", "giamkhao2", "giamkhao3")
# Points taken off each criterion's maximum, model by model: Xuất sắc, Tốt, Khá...
DEMO_DEDUCTIONS = (Decimal("0.5"), Decimal(4), Decimal(7), Decimal("0.5"))
# Scores every criterion 5 points below the others (25 on the total). She may not score her own
# unit's model (Sở Tư pháp), which therefore escapes her severity: raw, it ranks first and the
# fourth model is only Tốt; adjusted for her severity, the fourth model ranks first, Xuất sắc
# (flagged for discussion). The approved proposal, made on the raw ranking, keeps one model.
HARSH_EVALUATOR = "giamkhao2"
HARSH_BY = Decimal(5)
DEMO_PAPER_VOTER = "giamkhao3"  # voted on paper at the council meeting


def demo_meeting(proposal: Proposal) -> meetings.MeetingData:
    """The council met on 3 December 2025, its 3 members present; the vote figures come from
    the closed ballot (`demo_ballot`)."""
    return meetings.MeetingData(
        meeting_date=date(2025, 12, 3), place="Phòng họp số 1, Sở Nội vụ tỉnh Ninh Bình",
        chair_name="Trần Văn Bình", chair_title="Phó Chủ tịch Thường trực Hội đồng", secretary_name="Lê Thị Mai",
        members_total=3, members_present=3,
    )


def demo_ballot(proposal: Proposal, secretariat, evaluators: list[User]) -> None:
    """The council's secret ballot, opened on 28 November 2025 until 3 December 17:00: two
    members voted in the app, the third on paper at the meeting; it closed when all had voted.
    Every candidate passes; the individual with one "không đồng ý"."""
    opened = datetime(2025, 11, 28, 3, 0, tzinfo=UTC)
    ballot = ballots.open_ballot(proposal, datetime(2025, 12, 3, 10, 0, tzinfo=UTC), actor=secretariat, now=opened)
    lines = ballots.candidates(proposal)
    online = [user for user in evaluators if user.login != DEMO_PAPER_VOTER]
    for day, user in enumerate(online):
        choices = {line.id: "disagree" if day and not line.is_collective else "agree" for line in lines}
        ballots.cast_vote(ballot, user, choices, now=opened + timedelta(days=day + 1, hours=2))
    paper = [user.id for user in evaluators if user.login == DEMO_PAPER_VOTER]
    if paper:
        ballots.record_paper_votes(ballot, paper, {line.id: ballots.Choice(1, 0) for line in lines},
                                   actor=secretariat, now=datetime(2025, 12, 3, 2, 30, tzinfo=UTC))


def write_submission(proposal: Proposal, secretariat, **submission) -> None:
    """Fill in the proposal's Tờ trình (number, date, signer) under its default title, its
    lines left as proposed."""
    details = proposals.ProposalDetails(title=proposals.default_title(proposal.round), **submission)
    changes = [proposals.LineChange(line.id, line.recipient_key, line.award_form_id, line.achievement_summary, "")
               for line in proposal.lines]
    proposals.update_proposal(proposal, details, changes, expected_version=None, actor=secretariat)


def seed_awards_demo(units: dict) -> bool:
    created = catalogue.seed_default_award_forms() > 0
    if db.session.scalar(select(func.count()).select_from(Proposal)) or db.session.scalar(
        select(func.count()).where(Round.year == 2025)
    ):
        return created
    accepted = db.session.scalar(
        select(func.count()).where(Initiative.year == 2025, Initiative.status == Status.ACCEPTED)
    )
    evaluators = list(db.session.scalars(select(User).where(User.login.in_(DEMO_EVALUATORS))))
    secretariat = db.session.scalar(select(User).where(User.login == "noivu"))
    if not accepted or not evaluators:
        return created
    round_ = rounds.create_round(rounds.RoundSettings(name=DEMO_ROUND_NAME, year=2025, min_scorecards=1),
                                 by=secretariat)
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, len(evaluators), by=secretariat)
    rounds.start_scoring(round_, by=secretariat)
    models = list(db.session.scalars(select(Initiative).where(Initiative.year == 2025,
                                                              Initiative.status == Status.ACCEPTED)
                                     .order_by(Initiative.id)))
    for index, initiative in enumerate(models):
        deduction = DEMO_DEDUCTIONS[index % len(DEMO_DEDUCTIONS)]
        for evaluator in evaluators:
            if conflicts.has_conflict(evaluator, initiative.unit):
                continue
            harsh = HARSH_BY if evaluator.login == HARSH_EVALUATOR else Decimal(0)
            values = {c.id: max(c.max_score - deduction - harsh, Decimal(0)) for c in round_.criteria}
            try:
                scorecards.save_scorecard(round_, initiative, evaluator, values, submit=True)
            except ScoringError:
                continue  # not assigned to this evaluator
    rounds.close_scoring(round_, by=secretariat)
    rounds.finalise(round_, by=secretariat)

    excellent = proposals.excellent_initiative_ids(round_)
    provincial = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    if not excellent or provincial is None:
        return True
    proposal = proposals.create_proposal(round_, excellent, provincial, actor=secretariat)
    # One individual too: the first model's lead person (or first team member).
    proposals.add_line(proposal, proposal.lines[0].initiative, None, provincial, actor=secretariat)
    write_submission(proposal, secretariat, submission_number="118/TTr-SNV", submission_date=date(2025, 12, 5),
                     signer_name="Nguyễn Văn An", signer_title="Phó Giám đốc", signer_authority="KT. Giám đốc")
    # The results were published in late 2025, before the council met (not on seeding day).
    round_.finalised_at = datetime(2025, 11, 28, 2, 0, tzinfo=UTC)
    demo_ballot(proposal, secretariat, evaluators)
    meetings.record_meeting(proposal, demo_meeting(proposal), actor=secretariat)
    proposals.submit_proposal(proposal, actor=secretariat)
    decisions.approve_proposal(proposal, "2150/QĐ-UBND", date(2025, 12, 20), actor=secretariat)
    return True
