"""One model's whole life through every feature's own services, step by step.

Used by the audit tests (each step leaves its event) and the notification trigger tests
(each step tells the right people). Each step is a function so a test can stop anywhere.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.core.types import utcnow
from danvankheo.evidence.services import attach
from danvankheo.extensions import db
from danvankheo.registry.deadlines import set_year_settings
from danvankheo.registry.models import Initiative, Status
from danvankheo.registry.services import DossierData, create_initiative, update_initiative
from danvankheo.registry.workflow import transition
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Round
from danvankheo.units.models import Unit, UnitKind
from tests import factories
from tests.evidence.samples import pdf_bytes

YEAR = 2026


@dataclass
class Journey:
    justice: Unit
    health: Unit
    staff: User
    secretariat: User
    evaluators: list[User]
    admin: User
    initiative: Initiative | None = None
    round: Round | None = None
    proposal: object = None
    log: list[str] = field(default_factory=list)


def start() -> Journey:
    factories.ensure_organiser()
    set_year_settings(YEAR, deadline_at=utcnow() + timedelta(days=30), kinds=[UnitKind.DEPARTMENT])
    province = factories.ensure_organiser()
    justice = factories.make_unit("Sở Tư pháp", parent=province)
    health = factories.make_unit("Sở Y tế", parent=province)
    j = Journey(
        justice=justice,
        health=health,
        staff=factories.make_user(Role.STAFF, unit=justice, full_name="Lê Minh Đức", email="duc@stp.vn"),
        secretariat=factories.make_user(Role.SECRETARIAT, full_name="Trần Thị Thu Hà", email="ha@snv.vn"),
        evaluators=[
            factories.make_user(Role.EVALUATOR, unit=health, full_name="Hoàng Văn Bình", email="binh@syt.vn"),
            factories.make_user(Role.EVALUATOR, unit=health, full_name="Vũ Thị Ánh", email="anh@syt.vn"),
        ],
        admin=factories.make_user(Role.ADMIN, full_name="Nguyễn Văn Quản"),
    )
    db.session.commit()
    return j


def dossier(name: str) -> DossierData:
    values = dict(factories.COMPLETE_DOSSIER)
    values["year"] = YEAR
    return DossierData(name=name, values=values, tags=["cải cách hành chính"], members=[("Lê Văn Trưởng", "Phó Giám đốc")])


def register_and_edit(j: Journey) -> None:
    j.initiative = create_initiative(j.justice, dossier("Tư pháp gần dân"), actor=j.staff)
    update_initiative(j.initiative, dossier("Tư pháp gần dân, gần cơ sở"), actor=j.staff,
                      expected_version=j.initiative.version)
    attach(j.initiative, io.BytesIO(pdf_bytes(text="Báo cáo kết quả")), "Báo cáo kết quả mô hình.pdf", actor=j.staff)
    db.session.commit()


def submit(j: Journey) -> None:
    transition(j.initiative, Status.SUBMITTED, j.staff)
    db.session.commit()


def return_for_changes(j: Journey) -> None:
    transition(j.initiative, Status.RETURNED, j.secretariat, reason="Bổ sung số người hưởng lợi.")
    db.session.commit()


def accept(j: Journey) -> None:
    transition(j.initiative, Status.ACCEPTED, j.secretariat)
    db.session.commit()


def open_round_and_assign(j: Journey) -> None:
    j.round = rounds.create_round(rounds.RoundSettings(name="Đợt đánh giá năm 2026", year=YEAR, min_scorecards=2),
                                  by=j.secretariat)
    assignments.set_panel(j.round, j.evaluators, by=j.secretariat)
    for evaluator in j.evaluators:
        assignments.assign(j.round, j.initiative, evaluator, by=j.secretariat)
    rounds.start_scoring(j.round, by=j.secretariat)
    db.session.commit()


def score(j: Journey) -> None:
    for n, evaluator in enumerate(j.evaluators):
        values = {c.id: str(c.max_score - Decimal(n)) for c in j.round.criteria}
        scorecards.save_scorecard(j.round, j.initiative, evaluator, values, submit=True)
    # The first evaluator changes their mind in the discussion phase, before the round closes.
    from danvankheo.scoring import phases

    phases.open_discussion(j.round, by=j.secretariat)
    values = {c.id: str(c.max_score - Decimal("0.5")) for c in j.round.criteria}
    scorecards.save_scorecard(j.round, j.initiative, j.evaluators[0], values, submit=True)
    db.session.commit()


def finalise(j: Journey) -> None:
    rounds.close_scoring(j.round, by=j.secretariat)
    rounds.finalise(j.round, by=j.secretariat)
    db.session.commit()


def propose_and_approve(j: Journey) -> None:
    from danvankheo.awards import catalogue, decisions, proposals

    catalogue.seed_default_award_forms()
    form = catalogue.award_forms_for(j.round.organiser, active_only=True)[0]
    j.proposal = proposals.create_proposal(j.round, [j.initiative.id], form, actor=j.secretariat)
    details = proposals.ProposalDetails(
        title=j.proposal.title, submission_number="12", submission_date=date(2026, 11, 20),
        signer_name="Nguyễn Văn Giám", signer_title="Giám đốc", signer_authority="",
    )
    lines = [proposals.LineChange(line.id, line.recipient_key, line.award_form_id,
                               "Thành tích xuất sắc trong cải cách hành chính.", "") for line in j.proposal.lines]
    proposals.update_proposal(j.proposal, details, lines, expected_version=j.proposal.version, actor=j.secretariat)
    proposals.submit_proposal(j.proposal, actor=j.secretariat)
    decisions.approve_proposal(j.proposal, "345/QĐ-UBND", date(2026, 11, 25), actor=j.secretariat)
    db.session.commit()


STEPS = [register_and_edit, submit, return_for_changes, submit, accept, open_round_and_assign, score, finalise,
         propose_and_approve]
