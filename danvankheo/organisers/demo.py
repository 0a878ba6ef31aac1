"""Demo data of the commune organiser (xã Gia Viễn): its finalised 2025 round, the Giấy khen
its Chủ tịch awarded, and its best model proposed up to the province.

Runs after the province's demo (registry, scoring, awards); it does nothing when the commune
is not an organiser or its round already exists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..registry.models import Initiative
from ..scoring import assignments, rounds, scorecards
from ..scoring.errors import ScoringError
from ..scoring.models import Round
from .models import Organiser

COMMUNE_CODE = "XGV"
ROUND_NAME = "Đánh giá mô hình “Dân vận khéo” xã Gia Viễn năm 2025"
COUNCIL = ("giamkhao.giavien", "giamkhao.giavien2")
# Points off each criterion's maximum, by model (ranked in this order).
DEDUCTIONS = (Decimal(1), Decimal(3), Decimal(6))
COMMUNE_FORM = "Giấy khen của Chủ tịch UBND xã"


def seed_commune_demo(units: dict) -> bool:
    commune = units.get(COMMUNE_CODE)
    organiser = commune and db.session.scalar(select(Organiser).where(Organiser.unit_id == commune.id))
    if organiser is None or db.session.scalar(select(Round.id).where(Round.organiser_id == organiser.id)):
        return False
    users = {u.login: u for u in db.session.scalars(select(User).where(
        User.login.in_(("thuky.giavien", *COUNCIL))))}
    secretariat = users.get("thuky.giavien")
    council = [users[login] for login in COUNCIL if login in users]
    if secretariat is None or not council:
        return False
    round_ = rounds.create_round(rounds.RoundSettings(name=ROUND_NAME, year=2025, min_scorecards=1),
                                 by=secretariat, organiser_id=organiser.id)
    if not rounds.entry_count(round_):
        return True
    assignments.set_panel(round_, council, by=secretariat)
    assignments.auto_assign(round_, len(council), by=secretariat)
    rounds.start_scoring(round_, by=secretariat)
    models = _entries(round_)
    for index, initiative in enumerate(models):
        deduction = DEDUCTIONS[index % len(DEDUCTIONS)]
        for evaluator in council:
            values = {c.id: max(c.max_score - deduction, Decimal(0)) for c in round_.criteria}
            try:
                scorecards.save_scorecard(round_, initiative, evaluator, values, submit=True,
                                          comment="Mô hình sát thực tế của xã, người dân được hưởng lợi rõ.")
            except ScoringError:
                continue
    rounds.close_scoring(round_, by=secretariat)
    rounds.finalise(round_, by=secretariat)
    round_.finalised_at = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)
    _award(round_, models, secretariat, council)
    _nominate_best(round_, models, organiser, secretariat)
    return True


def _entries(round_: Round) -> list[Initiative]:
    from ..scoring.models import RoundEntry

    return list(db.session.scalars(
        select(Initiative).join(RoundEntry, RoundEntry.initiative_id == Initiative.id)
        .where(RoundEntry.round_id == round_.id).order_by(Initiative.id)
    ))


def _award(round_: Round, models: list[Initiative], secretariat: User, council: list[User]) -> None:
    """The commune's Giấy khen for its two best models: the council's two members vote for both
    in the app and meet on 24 November 2025; the Chủ tịch UBND xã decides on 1 December."""
    from ..awards import ballots, decisions, meetings, proposals
    from ..awards.demo import write_submission
    from ..awards.models import AwardForm

    form = db.session.scalar(select(AwardForm).where(AwardForm.name == COMMUNE_FORM))
    if form is None or len(models) < 2:
        return
    proposal = proposals.create_proposal(round_, [m.id for m in models[:2]], form, actor=secretariat)
    write_submission(proposal, secretariat, submission_number="25/TTr-VP", submission_date=date(2025, 11, 25),
                     signer_name="Phạm Văn Hùng", signer_title="Chánh Văn phòng", signer_authority="")
    opened = datetime(2025, 11, 21, 2, 0, tzinfo=UTC)
    ballot = ballots.open_ballot(proposal, datetime(2025, 11, 24, 10, 0, tzinfo=UTC), actor=secretariat, now=opened)
    for day, member in enumerate(council):
        ballots.cast_vote(ballot, member, {line.id: "agree" for line in ballots.candidates(proposal)},
                          now=opened + timedelta(days=day + 1))
    meetings.record_meeting(proposal, meetings.MeetingData(
        meeting_date=date(2025, 11, 24), place="Hội trường UBND xã Gia Viễn", chair_name="Phạm Văn Hùng",
        chair_title="Chánh Văn phòng HĐND và UBND xã", secretary_name="Đinh Thị Lan",
        members_total=len(council), members_present=len(council)), actor=secretariat)
    proposals.submit_proposal(proposal, actor=secretariat)
    decisions.approve_proposal(proposal, "312/QĐ-UBND", date(2025, 12, 1), actor=secretariat)


def _nominate_best(round_: Round, models: list[Initiative], organiser: Organiser, secretariat: User) -> None:
    """The commune proposes its best model up to the province, which has not decided yet."""
    if organiser.parent_id is None or not models:
        return
    from .nominations import nominate

    nominate(models[0], "Mô hình tiêu biểu nhất của xã năm 2025, được Chủ tịch UBND xã tặng Giấy khen; "
                        "đề nghị tỉnh xét tặng Bằng khen.", by=secretariat)
