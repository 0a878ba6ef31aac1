"""Demo data: the award catalogue, and a finalised 2025 round whose commendation list has
been approved, so model pages show awards and the secretariat can build a new list.

Runs after the registry's demo data; without accepted 2025 models it only seeds the forms.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from ..auth.models import User
from ..extensions import db
from ..registry.models import Initiative, Status
from ..scoring import services as scoring
from ..scoring.models import Round
from . import meetings, services
from .models import AwardForm, Proposal

DEMO_ROUND_NAME = "Đánh giá mô hình “Dân vận khéo” năm 2025"
DEMO_EVALUATORS = ("giamkhao1", "giamkhao2", "giamkhao3")
# Points taken off each criterion's maximum, model by model: Xuất sắc, Tốt, Khá...
DEMO_DEDUCTIONS = (Decimal("0.5"), Decimal(4), Decimal(7))


def demo_meeting(proposal: Proposal) -> meetings.MeetingData:
    """The council met on 3 December 2025, 8 of its 9 members present; every line passed."""
    return meetings.MeetingData(
        meeting_date=date(2025, 12, 3), place="Phòng họp số 1, Sở Nội vụ tỉnh Ninh Bình",
        chair_name="Trần Văn Bình", chair_title="Phó Chủ tịch Thường trực Hội đồng", secretary_name="Lê Thị Mai",
        members_total=9, members_present=8,
        votes={line.id: 8 - index % 2 for index, line in enumerate(proposal.lines)},
    )


def seed_awards_demo(units: dict) -> bool:
    created = services.seed_default_award_forms() > 0
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
    round_ = scoring.create_round(scoring.RoundSettings(name=DEMO_ROUND_NAME, year=2025, min_scorecards=1),
                                  by=secretariat)
    scoring.set_panel(round_, evaluators)
    scoring.auto_assign(round_, len(evaluators), by=secretariat)
    scoring.start_scoring(round_, by=secretariat)
    models = list(db.session.scalars(select(Initiative).where(Initiative.year == 2025,
                                                              Initiative.status == Status.ACCEPTED)
                                     .order_by(Initiative.id)))
    for index, initiative in enumerate(models):
        deduction = DEMO_DEDUCTIONS[index % len(DEMO_DEDUCTIONS)]
        for evaluator in evaluators:
            if scoring.has_conflict(evaluator, initiative.unit):
                continue
            values = {c.id: max(c.max_score - deduction, Decimal(0)) for c in round_.criteria}
            try:
                scoring.save_scorecard(round_, initiative, evaluator, values, submit=True)
            except scoring.ScoringError:
                continue  # not assigned to this evaluator
    scoring.close_scoring(round_, by=secretariat)
    scoring.finalise(round_, by=secretariat)

    excellent = services.excellent_initiative_ids(round_)
    provincial = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    if not excellent or provincial is None:
        return True
    proposal = services.create_proposal(round_, excellent, provincial, actor=secretariat)
    # One individual too: the first model's lead person (or first team member).
    services.add_line(proposal, proposal.lines[0].initiative, None, provincial, actor=secretariat)
    details = services.ProposalDetails(
        title=services.default_title(round_), submission_number="118/TTr-SNV", submission_date=date(2025, 12, 5),
        signer_name="Nguyễn Văn An", signer_title="Phó Giám đốc", signer_authority="KT. Giám đốc",
    )
    changes = [services.LineChange(line.id, line.recipient_key, line.award_form_id, line.achievement_summary, "")
               for line in proposal.lines]
    services.update_proposal(proposal, details, changes, expected_version=None, actor=secretariat)
    # The results were published in late 2025, before the council met (not on seeding day).
    round_.finalised_at = datetime(2025, 11, 28, 2, 0, tzinfo=UTC)
    meetings.record_meeting(proposal, demo_meeting(proposal), actor=secretariat)
    services.submit_proposal(proposal, actor=secretariat)
    services.approve_proposal(proposal, "2150/QĐ-UBND", date(2025, 12, 20), actor=secretariat)
    return True
