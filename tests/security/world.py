"""One world with every kind of object, built through the app's own services, so that every
URL rule can be filled with real ids and visited by every actor.

Unit A (Sở Tư pháp) owns the objects; unit B (Sở Y tế) is the neighbour. The evaluator with
a conflict of interest belongs to unit A; the assigned one and the unassigned one sit on the
2027 panel, only the first being assigned to unit A's model.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative, Status
from danvankheo.units.models import Unit, UnitKind
from tests import factories
from tests.evidence.samples import pdf_bytes, png_bytes

ACTORS = (
    "anonymous",
    "staff_a",
    "staff_b",
    "evaluator_assigned",
    "evaluator_conflict",
    "evaluator_unassigned",
    "secretariat",
    "observer",
    "admin",
    "supervisor",
)


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    # URL parameter values by name; `objects` holds alternatives a policy entry can pick.
    objects: dict[str, Any] = field(default_factory=dict)
    # What the harness knows this world again by (harness.reset_world), when it keeps it.
    key: tuple | None = None

    def ids(self) -> dict[str, Any]:
        return {name: getattr(obj, "id", obj) for name, obj in self.objects.items()}


def _text(label: str, payload: str) -> str:
    return f"{label} {payload}".strip()


def build_world(payload: str = "", *, organiser_id: int | None = None) -> World:
    """Everything the routes need. `payload` is appended to every piece of user text.

    The world belongs to the default organiser unless it is built inside another one
    (`tests.factories.inside_organiser`); `organiser_id` then names that organiser, whose
    2027 deadline the world sets."""
    from danvankheo.awards import catalogue, decisions, proposals
    from danvankheo.evidence.services import attach
    from danvankheo.notifications.services import notify
    from danvankheo.registry.deadlines import grant_extension, set_year_settings
    from danvankheo.scoring import assignments, rounds, scorecards
    from danvankheo.scoring.models import Assignment
    from tests.awards.builders import build_finalised_round

    w = World()
    council = factories.make_unit(_text("Ban Dân vận", payload), code="W-BDV", kind=UnitKind.OTHER)
    secretariat = factories.make_user(Role.SECRETARIAT, unit=council, login="w.noivu",
                                      full_name=_text("Trần Thị Thu Hà", payload))
    # 2026: a finalised round of three models (unit A = Sở Tư pháp, unit B = Sở Y tế).
    finalised = build_finalised_round(secretariat=secretariat)
    unit_a, unit_b = finalised.units["justice"], finalised.units["health"]
    unit_c = factories.make_unit(_text("UBND phường Hoa Lư", payload), code="W-PHL", kind=UnitKind.COMMUNE)
    if payload:
        unit_a.name = _text(unit_a.name, payload)
        unit_b.name = _text(unit_b.name, payload)
    w.users = {
        "staff_a": finalised.staff["justice"],
        "staff_b": factories.make_user(Role.STAFF, unit=unit_b, login="w.canbo.b",
                                       full_name=_text("Phạm Thị Lan", payload)),
        "evaluator_assigned": factories.make_user(Role.EVALUATOR, unit=council, login="w.gk.phancong",
                                                  full_name=_text("Hoàng Văn Bình", payload)),
        "evaluator_conflict": factories.make_user(Role.EVALUATOR, unit=unit_a, login="w.gk.xungdot",
                                                  full_name=_text("Vũ Thị Ánh", payload)),
        "evaluator_unassigned": factories.make_user(Role.EVALUATOR, unit=unit_c, login="w.gk.khac",
                                                    full_name=_text("Đỗ Quang Vinh", payload)),
        "secretariat": secretariat,
        "observer": factories.make_user(Role.OBSERVER, login="w.theodoi", full_name=_text("Bùi Thị Hạnh", payload)),
        "admin": factories.make_user(Role.ADMIN, login="w.quantri", full_name=_text("Nguyễn Văn Quản", payload)),
        "supervisor": factories.make_user(Role.SUPERVISOR, unit=council, login="w.mttq",
                                          full_name=_text("Lương Văn Giám", payload),
                                          position=_text("Ủy ban MTTQ", payload)),
    }
    staff_a = w.users["staff_a"]
    if payload:
        staff_a.set_full_name(_text(staff_a.full_name, payload))

    # 2027: open deadlines, an extension for unit A, models of A and B accepted into a round
    # that is being scored, and a draft and a submitted model of A.
    set_year_settings(2027, deadline_at=utcnow() + timedelta(days=30),
                      kinds=[UnitKind.DEPARTMENT, UnitKind.COMMUNE, UnitKind.OTHER], organiser_id=organiser_id)
    extension = grant_extension(2027, unit_a, until=utcnow() + timedelta(days=60),
                                reason=_text("Lý do gia hạn", payload), actor=secretariat)
    dossier = {
        "situation": _text("Thực trạng", payload), "goals": _text("Mục tiêu", payload),
        "content_method": _text("Cách làm", payload), "area": _text("Địa bàn", payload),
        "target_group": _text("Đối tượng", payload), "lead_name": _text("Lê Văn Trưởng", payload),
        "results_quantitative": _text("Kết quả", payload), "results_qualitative": _text("Định tính", payload),
        "sustainability": _text("Nhân rộng", payload),
    }
    members = [(_text("Nguyễn Văn Một", payload), _text("Trưởng thôn", payload))]
    main = factories.make_initiative(unit_a, name=_text("Tư pháp tận nhà", payload), year=2027,
                                     status=Status.ACCEPTED, created_by=staff_a, members=members, **dossier)
    other = factories.make_initiative(unit_b, name=_text("Khám bệnh lưu động", payload), year=2027,
                                      status=Status.ACCEPTED, created_by=w.users["staff_b"], **dossier)
    draft = factories.make_initiative(unit_a, name=_text("Bản nháp của Sở Tư pháp", payload), year=2027,
                                      created_by=staff_a, members=members, **dossier)
    submitted = factories.make_initiative(unit_a, name=_text("Đã nộp chờ tiếp nhận", payload), year=2027,
                                          status=Status.SUBMITTED, created_by=staff_a, **dossier)
    draft_b = factories.make_initiative(unit_b, name=_text("Bản nháp của Sở Y tế", payload), year=2027,
                                        created_by=w.users["staff_b"], **dossier)
    if payload:
        from danvankheo.registry.models import InitiativeTag

        main.tags.append(InitiativeTag(tag=_text("chuyển đổi số", payload)[:60]))
    evidence = attach(main, io.BytesIO(png_bytes()), _text("ảnh hoạt động", payload) + ".png", actor=staff_a)
    draft_evidence = attach(draft, io.BytesIO(pdf_bytes(text="nháp")), _text("báo cáo", payload) + ".pdf",
                            actor=staff_a)
    attach(draft_b, io.BytesIO(pdf_bytes(text="y tế")), "bao-cao-y-te.pdf", actor=w.users["staff_b"])
    public_evidence = attach(main, io.BytesIO(pdf_bytes(text="công khai")), "cong-khai.pdf", actor=staff_a,
                             is_public=True)
    public_draft_evidence = attach(draft, io.BytesIO(pdf_bytes(text="nháp công khai")), "nhap-cong-khai.pdf",
                                   actor=staff_a, is_public=True)

    round_ = rounds.create_round(
        rounds.RoundSettings(name=_text("Đợt đánh giá 2027", payload), year=2027, min_scorecards=1),
        by=secretariat,
    )
    assignments.set_panel(round_, [w.users["evaluator_assigned"], w.users["evaluator_conflict"],
                                   w.users["evaluator_unassigned"]])
    assignments.assign(round_, main, w.users["evaluator_assigned"], by=secretariat, notify_evaluator=False)
    assignments.assign(round_, other, w.users["evaluator_unassigned"], by=secretariat, notify_evaluator=False)
    rounds.start_scoring(round_, by=secretariat)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.round_id == round_.id, Assignment.initiative_id == main.id))
    criterion = round_.criteria[0]
    if payload:
        scorecards.save_scorecard(round_, main, w.users["evaluator_assigned"],
                                  {c.id: c.max_score for c in round_.criteria}, comment=_text("Nhận xét", payload),
                                  submit=False)

    # Awards from the 2026 round: a draft proposal and an approved one.
    # The first form of the catalogue that the round's organiser may propose (its level).
    form = catalogue.award_forms_for(finalised.round.organiser)[0]
    excellent = proposals.excellent_initiative_ids(finalised.round)
    approved = proposals.create_proposal(finalised.round, excellent[:1], form, actor=secretariat,
                                      title=_text("Danh sách đã khen", payload))
    approved.submission_number, approved.submission_date = "125/TTr-SNV", date(2026, 10, 20)
    approved.signer_name, approved.signer_title = _text("Nguyễn Văn An", payload), "Phó Giám đốc"
    for line in approved.lines:
        line.achievement_summary = _text("Thành tích", payload)
    db.session.flush()
    proposals.submit_proposal(approved, actor=secretariat)
    decisions.approve_proposal(approved, "2150/QĐ-UBND", date(2026, 11, 2), actor=secretariat)
    proposal = proposals.create_proposal(finalised.round, excellent[1:] or excellent[:1], form, actor=secretariat,
                                      title=_text("Danh sách đề nghị", payload))
    for line in proposal.lines:
        line.achievement_summary = _text("Thành tích", payload)
    # A list the council is voting on: its members are the 2026 panel, none of the actors.
    from danvankheo.awards import ballots

    voted = proposals.create_proposal(finalised.round, excellent[1:] or excellent[:1], form, actor=secretariat,
                                   title=_text("Danh sách đang bỏ phiếu", payload))
    ballot = ballots.open_ballot(voted, utcnow() + timedelta(days=3), actor=secretariat)

    from danvankheo.registry.similarity import SimilarityFlag, SimilarityKind

    similarity_flag = SimilarityFlag(initiative_id=submitted.id, other_id=main.id, kind=SimilarityKind.TEXT,
                                     score=Decimal("0.9"))
    db.session.add(similarity_flag)

    from danvankheo.supervision.models import Stance
    from danvankheo.supervision.services import record_opinion

    opinion = record_opinion(main, w.users["supervisor"], stance=Stance.PARTLY,
                             text=_text("Ý kiến giám sát riêng", payload),
                             upload=io.BytesIO(pdf_bytes(text="giám sát")), filename="bien-ban-giam-sat.pdf")

    from danvankheo.scoring.models import Scorecard

    card = db.session.scalars(select(Scorecard).where(Scorecard.round_id == finalised.round.id)
                              .order_by(Scorecard.id)).first()
    notification = notify([staff_a], kind="initiative_returned", title=_text("Thông báo", payload),
                          body=_text("Nội dung", payload))[0]
    job = _finished_job(secretariat, _text("Công việc", payload))
    # The people's survey of unit A's model: a sheet of codes and one answer with a comment.
    from danvankheo.feedback import services as feedback

    survey = feedback.open_survey(main)
    feedback.generate_codes(survey, 3, secretariat)
    survey_response = feedback.submit(survey, feedback.Answer(4, True, comment=_text("Góp ý", payload)),
                                      device="w" * 32, address="192.0.2.80")
    db.session.flush()

    # The register: an award of another body to unit A's person, with the scan of its decision.
    from danvankheo.awards.models import AwardLevel, RecipientType
    from danvankheo.organisers.services import organiser_of_unit
    from danvankheo.register import services as register

    outside_award = register.add_outside_award(
        organiser_of_unit(unit_a).id, register.OutsideAwardData(
            recipient_type=RecipientType.INDIVIDUAL, unit_id=unit_a.id, decision_number="3120/QĐ-BTP",
            decision_date=date(2024, 12, 20), issuing_body=_text("Bộ Tư pháp", payload),
            form_name=_text("Bằng khen của Bộ trưởng Bộ Tư pháp", payload), level=AwardLevel.CENTRAL,
            full_name=_text("Nguyễn Thị Hằng", payload), person_choice=register.NEW_PERSON),
        scan=io.BytesIO(pdf_bytes()), scan_filename="quyet-dinh.pdf", actor=secretariat)

    w.objects = {
        "organiser_id": organiser_of_unit(unit_a),
        "unit_id": unit_a,
        "user_id": staff_a,
        "initiative_id": main,
        "evidence_id": evidence,
        "round_id": round_,
        "proposal_id": proposal,
        "line_id": proposal.lines[0],
        "form_id": form,
        "criterion_id": criterion,
        "assignment_id": assignment,
        "card_id": card,
        "notification_id": notification,
        "job_id": job,
        "jobs_filename": "jobs.js",
        "no_nomination": 987654,
        "extension_id": extension,
        "filename": "reports.css",
        # Alternatives for entries that need another object than the default.
        "draft": draft,
        "draft_b": draft_b,
        "submitted": submitted,
        "draft_evidence": draft_evidence,
        "public_evidence": public_evidence,
        "public_draft_evidence": public_draft_evidence,
        "finalised_round": finalised.round,
        "approved_proposal": approved,
        "approved_line": approved.lines[0],
        "unit_b": unit_b,
        "similarity_flag": similarity_flag,
        "ballot_id": ballot,
        "award_id": outside_award,
        "person_id": outside_award.person,
        "version_id": opinion.versions[0],
        "code": survey.public_code,
        "size": "a4",
        "sheet": 1,
        "response_id": survey_response,
    }
    return w


def _finished_job(owner, title: str):
    """A finished export job of `owner` whose file is on disk."""
    from danvankheo.exports.xlsx import Column, Sheet, workbook_bytes
    from danvankheo.jobs import services as jobs
    from danvankheo.jobs.models import JobKind, JobState

    job, _ = jobs.start_job(owner, JobKind.RANKING_EXPORT, title, {"world": title})
    job.result_key, job.result_name = "ab" * 16, "Kết quả.xlsx"
    jobs.end(job, JobState.DONE, "Đã tạo tệp.")
    jobs.result_path(job.result_key).write_bytes(workbook_bytes([Sheet("Kết quả", [Column("Tên")], [[title]])]))
    return job


def actor_user(world: World, actor: str) -> User | None:
    return world.users.get(actor)


__all__ = ["ACTORS", "Initiative", "Unit", "World", "actor_user", "build_world"]
